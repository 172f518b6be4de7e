package io.shockwave.http2.hpack;

import java.util.Arrays;

/**
 * Encodes response header blocks (RFC 7541 §6), keeping the dynamic table the client
 * mirrors. Fields a server repeats on every response ({@code server}, {@code content-type},
 * {@code date}, ...) are added to the table once and then sent as one-byte indexes; fields
 * that change on every response ({@code content-length}) are sent as literals without
 * indexing, so they do not push the useful entries out; credentials are never indexed
 * (§7.1.3), so no intermediary may either.
 *
 * <p>Blocks must be sent in the order they were encoded: call it from the connection's
 * writer only. Callers give room for {@link #maxEncodedLength} bytes per field.
 */
public final class HpackEncoder {
    /** How a field is sent: added to the table, sent as a literal, or sent and marked never to be indexed. */
    public enum Indexing { INCREMENTAL, NONE, NEVER }

    private final DynamicTable table;
    /** The table size the peer allows (SETTINGS_HEADER_TABLE_SIZE), capped by what this side wants to spend. */
    private final int preferredMaxSize;
    /** A smaller size to announce at the start of the next block (§4.2), or -1. */
    private int pendingSizeUpdate = -1;
    private int smallestPendingSize = -1;

    public HpackEncoder(int preferredMaxSize) {
        this.preferredMaxSize = preferredMaxSize;
        this.table = new DynamicTable(Math.min(preferredMaxSize, 4096));
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE changed. */
    public void peerMaxTableSize(int size) {
        int newSize = Math.min(size, preferredMaxSize);
        if (newSize == table.maxSize()) {
            return;
        }
        // §4.2: a decrease followed by an increase announces the smallest size first.
        smallestPendingSize = smallestPendingSize < 0 ? newSize : Math.min(smallestPendingSize, newSize);
        pendingSizeUpdate = newSize;
        table.maxSize(newSize);
    }

    /** Starts a block: announces a table size change if there was one. Returns the end in {@code dst}. */
    public int beginBlock(byte[] dst, int at) {
        if (pendingSizeUpdate >= 0) {
            if (smallestPendingSize < pendingSizeUpdate) {
                at = integer(dst, at, 0x20, 5, smallestPendingSize);
            }
            at = integer(dst, at, 0x20, 5, pendingSizeUpdate);
            pendingSizeUpdate = -1;
            smallestPendingSize = -1;
        }
        return at;
    }

    /** The most bytes one field of these lengths can take. */
    public static int maxEncodedLength(int nameLen, int valueLen) {
        return nameLen + valueLen + 16;
    }

    /** {@code :status}: one byte for the seven codes in the static table. */
    public int status(int code, byte[] dst, int at) {
        int index = switch (code) {
            case 200 -> 8;
            case 204 -> 9;
            case 206 -> 10;
            case 304 -> 11;
            case 400 -> 12;
            case 404 -> 13;
            case 500 -> 14;
            default -> 0;
        };
        if (index != 0) {
            dst[at] = (byte) (0x80 | index);
            return at + 1;
        }
        // Literal without indexing, name :status (index 8), three ASCII digits.
        dst[at++] = 0x08;
        dst[at++] = 3;
        dst[at++] = (byte) ('0' + code / 100);
        dst[at++] = (byte) ('0' + code / 10 % 10);
        dst[at++] = (byte) ('0' + code % 10);
        return at;
    }

    /**
     * Encodes one field; {@code name} must be lower case (RFC 9113 §8.2.2). Returns the end
     * in {@code dst}, which needs room for {@link #maxEncodedLength}.
     */
    public int field(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen,
                     Indexing indexing, byte[] dst, int at) {
        if (indexing == Indexing.INCREMENTAL) {
            int found = find(name, nameOff, nameLen, value, valueOff, valueLen);
            if (found > 0) {
                return integer(dst, at, 0x80, 7, found);
            }
        }
        int nameIndex = StaticTable.indexOfName(name, nameOff, nameLen);
        if (nameIndex == 0 && indexing == Indexing.INCREMENTAL) {
            nameIndex = findName(name, nameOff, nameLen);
        }
        switch (indexing) {
            case INCREMENTAL -> at = integer(dst, at, 0x40, 6, nameIndex);
            case NONE -> at = integer(dst, at, 0x00, 4, nameIndex);
            case NEVER -> at = integer(dst, at, 0x10, 4, nameIndex);
        }
        if (nameIndex == 0) {
            at = string(name, nameOff, nameLen, dst, at);
        }
        at = string(value, valueOff, valueLen, dst, at);
        if (indexing == Indexing.INCREMENTAL) {
            table.add(name, nameOff, nameLen, value, valueOff, valueLen);
        }
        return at;
    }

    /** The index of an entry with this name and value, static or dynamic, or 0. */
    private int find(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen) {
        for (int i = 1; i <= table.length(); i++) {
            byte[] e = table.entry(i);
            int n = table.nameLength(i);
            if (n == nameLen && e.length - n == valueLen
                    && Arrays.equals(e, n, e.length, value, valueOff, valueOff + valueLen)
                    && Arrays.equals(e, 0, n, name, nameOff, nameOff + nameLen)) {
                return StaticTable.LENGTH + i;
            }
        }
        return 0;
    }

    private int findName(byte[] name, int nameOff, int nameLen) {
        for (int i = 1; i <= table.length(); i++) {
            byte[] e = table.entry(i);
            int n = table.nameLength(i);
            if (n == nameLen && Arrays.equals(e, 0, n, name, nameOff, nameOff + nameLen)) {
                return StaticTable.LENGTH + i;
            }
        }
        return 0;
    }

    /** §5.2: Huffman-coded when that is shorter. */
    private static int string(byte[] s, int off, int len, byte[] dst, int at) {
        int huffman = Huffman.encodedLength(s, off, len);
        if (huffman < len) {
            at = integer(dst, at, 0x80, 7, huffman);
            return Huffman.encode(s, off, len, dst, at);
        }
        at = integer(dst, at, 0x00, 7, len);
        System.arraycopy(s, off, dst, at, len);
        return at + len;
    }

    /** §5.1: {@code value} with an N-bit prefix, the bits above it set to {@code pattern}. */
    static int integer(byte[] dst, int at, int pattern, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            dst[at++] = (byte) (pattern | value);
            return at;
        }
        dst[at++] = (byte) (pattern | max);
        value -= max;
        while (value >= 0x80) {
            dst[at++] = (byte) (value & 0x7F | 0x80);
            value >>>= 7;
        }
        dst[at++] = (byte) value;
        return at;
    }
}
