package io.shockwave.runtime.internal;

import io.shockwave.runtime.HttpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Percent-decoding (RFC 3986 §2.1) and form decoding of '+'. */
class PercentCodecTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] decode(String s, boolean plusIsSpace) {
        byte[] src = ascii(s);
        byte[] dst = new byte[src.length];
        int n = PercentCodec.decode(src, 0, src.length, dst, plusIsSpace);
        return Arrays.copyOf(dst, n);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "abc|abc",
        "%41%42%43|ABC",
        "a%20b|a b",
        "%c3%a9|é",
        "%C3%A9|é",
        "%C3%a9|é",
        "%25|%",
        "%2525|%25",
        "100%25done|100%done",
        "a+b|a+b",
    })
    void decodesEscapes(String encoded, String decoded) {
        assertArrayEquals(decoded.getBytes(StandardCharsets.UTF_8), decode(encoded, false));
    }

    @Test
    void decodesEveryOctet() {
        for (int b = 0; b < 256; b++) {
            assertArrayEquals(new byte[] {(byte) b}, decode(String.format("%%%02X", b), false));
            assertArrayEquals(new byte[] {(byte) b}, decode(String.format("%%%02x", b), false));
        }
    }

    @Test
    void plusIsSpaceOnlyWhenAsked() {
        assertArrayEquals(ascii("a b c"), decode("a+b+c", true));
        assertArrayEquals(ascii("a+b"), decode("a+b", false));
        assertArrayEquals(ascii("+"), decode("%2B", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "a%4", "%zz", "%G0", "%0G", "%%41", "% 41", "ab%"})
    void rejectsMalformedEscapesWith400(String encoded) {
        HttpException e = assertThrows(HttpException.class, () -> decode(encoded, false));
        assertEquals(400, e.status().code());
    }

    @Test
    void decodesASliceIntoTheStartOfTheDestination() {
        byte[] src = ascii("xx%41b%42yy");
        byte[] dst = new byte[16];
        Arrays.fill(dst, (byte) '#');
        int n = PercentCodec.decode(src, 2, 7, dst, false);
        assertEquals(3, n);
        assertEquals("AbB#", new String(dst, 0, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void anEscapeMustLieInsideTheSlice() {
        byte[] src = ascii("a%41");
        assertThrows(HttpException.class, () -> PercentCodec.decode(src, 0, 3, new byte[4], false));
    }

    @Test
    void decodesToUtf8Strings() {
        byte[] src = ascii("[J%C3%BCrgen+M]");
        assertEquals("Jürgen M", PercentCodec.decodeToString(src, 1, src.length - 2, true));
        assertEquals("Jürgen+M", PercentCodec.decodeToString(src, 1, src.length - 2, false));
        byte[] plain = ascii("[plain]");
        assertEquals("plain", PercentCodec.decodeToString(plain, 1, 5, true));
    }
}
