package io.shockwave.http2.hpack;

/**
 * Decodes header blocks (RFC 7541 §6) into fields for a {@link Sink}, keeping the
 * dynamic table of one connection's requests. A block is decoded whole, once all of its
 * HEADERS and CONTINUATION fragments have arrived, and always to its end even when the
 * fields themselves are refused: the table must stay in step with the client's.
 *
 * <p>Indexed fields and plain literals reach the sink as slices of the table or of the
 * block; Huffman-coded strings are decoded into scratch arrays that the decoder keeps, so
 * a steady connection's repeated headers decode without allocating.
 */
public final class HpackDecoder {
    /** Receives each field in order. The arrays are only valid during the call. */
    public interface Sink {
        /**
         * A decoded field; {@code staticIndex} is the static-table entry whose name it has
         * (1..61), or 0 when its name is not in the static table.
         */
        void field(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen, int staticIndex);
    }

    private final DynamicTable table;
    /** SETTINGS_HEADER_TABLE_SIZE as this side sent it: a size update may not exceed it. */
    private final int maxTableSize;
    private static final byte[] NONE = new byte[0];
    /** For Huffman-coded strings; grown on first use, so a connection that never sees one holds none. */
    private byte[] nameScratch = NONE;
    private byte[] valueScratch = NONE;
    private int pos;

    public HpackDecoder(int maxTableSize) {
        this.maxTableSize = maxTableSize;
        this.table = new DynamicTable(maxTableSize);
    }

    /** The connection is idle: the Huffman scratch arrays go; they grow again when a string needs them. */
    public void releaseScratch() {
        nameScratch = NONE;
        valueScratch = NONE;
    }

    /** The entries' total size (RFC 7541 §4.1), for tests. */
    public int tableSize() {
        return table.size();
    }

    public int tableLength() {
        return table.length();
    }

    DynamicTable table() {
        return table;
    }

    /** Decodes the whole block {@code block[off, off+len)}. */
    public void decode(byte[] block, int off, int len, Sink sink) throws HpackException {
        int end = off + len;
        pos = off;
        boolean fieldSeen = false;
        while (pos < end) {
            int b = block[pos] & 0xFF;
            if ((b & 0x80) != 0) {
                // §6.1: indexed header field.
                int index = integer(block, end, 7);
                indexed(index, sink);
                fieldSeen = true;
            } else if ((b & 0xC0) == 0x40) {
                // §6.2.1: literal with incremental indexing.
                literal(block, end, 6, true, sink);
                fieldSeen = true;
            } else if ((b & 0xE0) == 0x20) {
                // §6.3: dynamic table size update, only before the first field (§4.2).
                if (fieldSeen) {
                    throw HpackException.BAD_SIZE_UPDATE;
                }
                int size = integer(block, end, 5);
                if (size > maxTableSize) {
                    throw HpackException.BAD_SIZE_UPDATE;
                }
                table.maxSize(size);
            } else {
                // §6.2.2 without indexing (0000), §6.2.3 never indexed (0001): the same to a server.
                literal(block, end, 4, false, sink);
                fieldSeen = true;
            }
        }
    }

    private void indexed(int index, Sink sink) throws HpackException {
        if (index == 0) {
            throw HpackException.BAD_INDEX;
        }
        if (index <= StaticTable.LENGTH) {
            byte[] name = StaticTable.NAMES[index];
            byte[] value = StaticTable.VALUES[index];
            sink.field(name, 0, name.length, value, 0, value.length, index);
            return;
        }
        int d = index - StaticTable.LENGTH;
        if (d > table.length()) {
            throw HpackException.BAD_INDEX;
        }
        byte[] entry = table.entry(d);
        int nameLen = table.nameLength(d);
        sink.field(entry, 0, nameLen, entry, nameLen, entry.length - nameLen, 0);
    }

    private void literal(byte[] block, int end, int prefix, boolean index, Sink sink) throws HpackException {
        int nameIndex = integer(block, end, prefix);
        byte[] name;
        int nameOff;
        int nameLen;
        int staticIndex = 0;
        if (nameIndex == 0) {
            int n = string(block, end, true);
            name = huffmanOut == null ? block : huffmanOut;
            nameOff = stringOff;
            nameLen = n;
        } else if (nameIndex <= StaticTable.LENGTH) {
            name = StaticTable.NAMES[nameIndex];
            nameOff = 0;
            nameLen = name.length;
            staticIndex = nameIndex;
        } else {
            int d = nameIndex - StaticTable.LENGTH;
            if (d > table.length()) {
                throw HpackException.BAD_INDEX;
            }
            name = table.entry(d);
            nameOff = 0;
            nameLen = table.nameLength(d);
        }
        int valueLen = string(block, end, false);
        byte[] value = huffmanOut == null ? block : huffmanOut;
        int valueOff = stringOff;
        sink.field(name, nameOff, nameLen, value, valueOff, valueLen, staticIndex);
        if (index) {
            // After the sink: adding may evict the entry the name came from.
            table.add(name, nameOff, nameLen, value, valueOff, valueLen);
        }
    }

    /** Where the last string read lies: in {@link #huffmanOut} if it was Huffman-coded, else in the block. */
    private byte[] huffmanOut;
    private int stringOff;

    /** §5.2: reads a string literal; returns its length and sets {@link #huffmanOut} and {@link #stringOff}. */
    private int string(byte[] block, int end, boolean isName) throws HpackException {
        if (pos >= end) {
            throw HpackException.TRUNCATED;
        }
        boolean huffman = (block[pos] & 0x80) != 0;
        int len = integer(block, end, 7);
        if (len > end - pos) {
            throw HpackException.TRUNCATED;
        }
        int start = pos;
        pos += len;
        if (!huffman) {
            huffmanOut = null;
            stringOff = start;
            return len;
        }
        // The shortest code is 5 bits, so len bytes decode to at most len * 8 / 5 symbols.
        int max = (int) ((len * 8L) / 5);
        byte[] out = isName ? nameScratch : valueScratch;
        if (out.length < max) {
            out = new byte[Math.max(Math.max(max, 64), out.length * 2)];
            if (isName) {
                nameScratch = out;
            } else {
                valueScratch = out;
            }
        }
        int n = Huffman.decode(block, start, len, out, 0, out.length);
        if (n < 0) {
            throw HpackException.BAD_HUFFMAN;
        }
        huffmanOut = out;
        stringOff = 0;
        return n;
    }

    /** §5.1: an integer with an N-bit prefix, starting at {@link #pos}. */
    private int integer(byte[] block, int end, int prefixBits) throws HpackException {
        int mask = (1 << prefixBits) - 1;
        int value = block[pos++] & mask;
        if (value < mask) {
            return value;
        }
        int shift = 0;
        while (true) {
            if (pos >= end) {
                throw HpackException.TRUNCATED;
            }
            int b = block[pos++] & 0xFF;
            if (shift > 21 && (b & 0x7F) > (Integer.MAX_VALUE - value) >>> shift) {
                throw HpackException.BAD_INTEGER;
            }
            value += (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
            if (shift > 28) {
                throw HpackException.BAD_INTEGER;
            }
        }
    }
}
