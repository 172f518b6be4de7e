package io.shockwave.http2.hpack;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7541: the Appendix C examples as data, and the decoder's defences. */
class HpackTest {
    private static final class Collect implements HpackDecoder.Sink {
        final List<String> fields = new ArrayList<>();

        @Override
        public void field(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen, int staticIndex) {
            fields.add(new String(name, nameOff, nameLen, StandardCharsets.ISO_8859_1) + ": "
                    + new String(value, valueOff, valueLen, StandardCharsets.ISO_8859_1));
        }
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** RFC 7541 Appendix C.3 to C.6, decoded block by block with the tables checked after each. */
    @Test
    void decodesAppendixCExamples() throws IOException, HpackException {
        List<String> lines;
        try (InputStream in = HpackTest.class.getResourceAsStream("/rfc7541-appendix-c.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        HpackDecoder decoder = null;
        Collect got = null;
        List<String> wantFields = new ArrayList<>();
        List<String> wantTable = new ArrayList<>();
        int blocks = 0;
        for (String line : lines) {
            if (line.startsWith("max ")) {
                decoder = new HpackDecoder(Integer.parseInt(line.substring(4)));
            } else if (line.startsWith("block ")) {
                got = new Collect();
                decoder.decode(hex(line.substring(6)), 0, hex(line.substring(6)).length, got);
                wantFields.clear();
                wantTable.clear();
                blocks++;
            } else if (line.startsWith("field ")) {
                wantFields.add(line.substring(6));
            } else if (line.startsWith("table ")) {
                wantTable.add(line.substring(6));
            } else if (line.startsWith("size ")) {
                assertEquals(wantFields, got.fields);
                List<String> table = new ArrayList<>();
                DynamicTable t = decoder.table();
                for (int i = 1; i <= t.length(); i++) {
                    byte[] e = t.entry(i);
                    table.add(ascii(e, 0, t.nameLength(i)) + ": " + ascii(e, t.nameLength(i), e.length - t.nameLength(i)));
                }
                assertEquals(wantTable, table);
                assertEquals(Integer.parseInt(line.substring(5)), decoder.tableSize());
            }
        }
        assertEquals(12, blocks);
    }

    /** RFC 7541 Appendix C.4.1: the Huffman coding of a value, both ways. */
    @Test
    void huffmanCodesExamples() {
        String[][] cases = {
                {"www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"},
                {"no-cache", "a8eb 1064 9cbf"},
                {"custom-key", "25a8 49e9 5ba9 7d7f"},
                {"302", "6402"},
                {"Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"},
        };
        for (String[] c : cases) {
            byte[] plain = c[0].getBytes(StandardCharsets.US_ASCII);
            byte[] coded = hex(c[1]);
            byte[] out = new byte[64];
            assertEquals(coded.length, Huffman.encodedLength(plain, 0, plain.length));
            int end = Huffman.encode(plain, 0, plain.length, out, 0);
            assertArrayEquals(coded, java.util.Arrays.copyOf(out, end));
            int n = Huffman.decode(coded, 0, coded.length, out, 0, out.length);
            assertEquals(c[0], ascii(out, 0, n));
        }
    }

    /** Appendix A: every static name is found at its first index; names not in the table are not. */
    @Test
    void findsEveryStaticName() {
        for (int i = 1; i <= StaticTable.LENGTH; i++) {
            byte[] name = StaticTable.NAMES[i];
            int first = i;
            while (first > 1 && java.util.Arrays.equals(StaticTable.NAMES[first - 1], name)) {
                first--;
            }
            assertEquals(first, StaticTable.indexOfName(name, 0, name.length), new String(name, StandardCharsets.US_ASCII));
        }
        byte[] other = "x-custom-header".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, StaticTable.indexOfName(other, 0, other.length));
        byte[] longer = "a-name-longer-than-any-in-the-static-table".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, StaticTable.indexOfName(longer, 0, longer.length));
    }

    /** The table from Appendix B for a few symbols at each end of the code. */
    @Test
    void huffmanTableMatchesAppendixB() {
        assertEquals(0x1ff8, Huffman.CODES[0]);
        assertEquals(0x7fffd8, Huffman.CODES[1]);
        assertEquals(0x3ffffffc, Huffman.CODES[10]);
        assertEquals(0x14, Huffman.CODES[' ']);
        assertEquals(0x7fff0, Huffman.CODES['\\']);
        assertEquals(0x3ffffee, Huffman.CODES[255]);
        assertEquals(0x3fffffff, Huffman.CODES[Huffman.EOS]);
    }

    @Test
    void huffmanRoundTripsEveryByte() {
        Random random = new Random(7541);
        byte[] out = new byte[4096];
        byte[] back = new byte[4096];
        for (int round = 0; round < 500; round++) {
            byte[] plain = new byte[random.nextInt(200)];
            random.nextBytes(plain);
            int end = Huffman.encode(plain, 0, plain.length, out, 0);
            int n = Huffman.decode(out, 0, end, back, 0, back.length);
            assertArrayEquals(plain, java.util.Arrays.copyOf(back, n));
        }
    }

    /** §5.2: padding longer than 7 bits, padding not of ones, and an EOS inside are decoding errors. */
    @Test
    void rejectsBadHuffmanPadding() {
        byte[] out = new byte[64];
        assertEquals(-1, Huffman.decode(hex("ff"), 0, 1, out, 0, 64)); // 8 bits of padding
        assertEquals(-1, Huffman.decode(hex("00"), 0, 1, out, 0, 64)); // '0' then 000 padding
        assertEquals(-1, Huffman.decode(hex("ffff ffff"), 0, 4, out, 0, 64)); // EOS, 30 ones
        assertEquals(1, Huffman.decode(hex("07"), 0, 1, out, 0, 64)); // '0' then 111
    }

    @Test
    void rejectsIndexZeroAndIndexPastTheTable() {
        HpackDecoder d = new HpackDecoder(4096);
        assertThrows(HpackException.class, () -> d.decode(hex("80"), 0, 1, new Collect()));
        assertThrows(HpackException.class, () -> d.decode(hex("be"), 0, 1, new Collect())); // 62, table empty
    }

    @Test
    void rejectsTruncatedLiteralAndHugeInteger() {
        HpackDecoder d = new HpackDecoder(4096);
        assertThrows(HpackException.class, () -> d.decode(hex("400a 6375"), 0, 4, new Collect()));
        byte[] huge = hex("0f ff ff ff ff ff 0f");
        assertThrows(HpackException.class, () -> d.decode(huge, 0, huge.length, new Collect()));
    }

    /** §4.2 and §6.3: a size update above the setting, or after a field, is an error. */
    @Test
    void rejectsSizeUpdateAboveTheSettingOrAfterAField() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096);
        byte[] above = hex("3fe2 1f"); // 4097
        assertThrows(HpackException.class, () -> d.decode(above, 0, above.length, new Collect()));
        assertThrows(HpackException.class, () -> d.decode(hex("8220"), 0, 2, new Collect()));
        d.decode(hex("2082"), 0, 2, new Collect()); // size 0, then :method GET: fine
        assertEquals(0, d.tableSize());
    }

    /** What the encoder writes, a decoder reads back; repeated fields become one-byte indexes. */
    @Test
    void encoderIndexesRepeatedFieldsAndDecoderAgrees() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096);
        byte[] server = "server".getBytes(StandardCharsets.US_ASCII);
        byte[] shockwave = "shockwave".getBytes(StandardCharsets.US_ASCII);
        byte[] length = "content-length".getBytes(StandardCharsets.US_ASCII);
        byte[] secret = "authorization".getBytes(StandardCharsets.US_ASCII);
        int[] sizes = new int[2];
        for (int round = 0; round < 2; round++) {
            byte[] block = new byte[256];
            int at = encoder.beginBlock(block, 0);
            at = encoder.status(200, block, at);
            at = encoder.field(server, 0, server.length, shockwave, 0, shockwave.length,
                    HpackEncoder.Indexing.INCREMENTAL, block, at);
            byte[] n = ("" + (round + 10)).getBytes(StandardCharsets.US_ASCII);
            at = encoder.field(length, 0, length.length, n, 0, n.length, HpackEncoder.Indexing.NONE, block, at);
            at = encoder.field(secret, 0, secret.length, shockwave, 0, shockwave.length,
                    HpackEncoder.Indexing.NEVER, block, at);
            Collect got = new Collect();
            decoder.decode(block, 0, at, got);
            assertEquals(List.of(":status: 200", "server: shockwave", "content-length: " + (round + 10),
                    "authorization: shockwave"), got.fields);
            sizes[round] = at;
        }
        assertEquals(1, decoder.tableLength()); // only server was indexed
        assertTrue(sizes[1] < sizes[0] - 5, "the second block refers to the table");
    }

    /** §4.2: a smaller table the peer asks for is announced at the start of the next block. */
    @Test
    void encoderAnnouncesSmallerTable() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096);
        byte[] name = "x-a".getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[64];
        int at = encoder.field(name, 0, 3, name, 0, 3, HpackEncoder.Indexing.INCREMENTAL, block, encoder.beginBlock(block, 0));
        decoder.decode(block, 0, at, new Collect());
        assertEquals(1, decoder.tableLength());
        encoder.peerMaxTableSize(0);
        at = encoder.field(name, 0, 3, name, 0, 3, HpackEncoder.Indexing.INCREMENTAL, block, encoder.beginBlock(block, 0));
        Collect got = new Collect();
        decoder.decode(block, 0, at, got);
        assertEquals(List.of("x-a: x-a"), got.fields);
        assertEquals(0, decoder.tableLength());
    }
}
