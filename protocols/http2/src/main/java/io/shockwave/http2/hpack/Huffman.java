package io.shockwave.http2.hpack;

/**
 * The Huffman code of RFC 7541 Appendix B. The code is canonical: codes of one length
 * are consecutive numbers in symbol order, and the first code of each length follows the
 * last code of the length before, shifted left. So the code is fully given by each
 * symbol's length, and that is the only table written down here.
 *
 * <p>Decoding looks up the next 8 bits in a 256-entry table, which resolves every code
 * of 8 bits or fewer (all of the common characters of header values) in one step; longer
 * codes are found by length, comparing against the first code of each length.
 */
final class Huffman {
    /** RFC 7541 Appendix B: the code length of each symbol 0..255 and of EOS (256). */
    private static final byte[] LENGTHS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0
            28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,         // 32 ' '
            5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,              // 48 '0'
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,                // 64 '@'
            7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,             // 80 'P'
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,                // 96 '`'
            6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,            // 112 'p'
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128
            24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160
            21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192
            19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224
            26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240
            30                                                              // EOS
    };
    static final int EOS = 256;
    private static final int MAX_LENGTH = 30;

    /** The code of each symbol, right-aligned. */
    static final int[] CODES = new int[257];
    /** Per length: the first code, how many codes, and where their symbols start in {@link #SORTED}. */
    private static final int[] FIRST = new int[MAX_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] START = new int[MAX_LENGTH + 1];
    /** The symbols ordered by code. */
    private static final short[] SORTED = new short[257];
    /** By the next 8 bits: {@code length << 9 | symbol} for codes of up to 8 bits, else 0. */
    private static final short[] FAST = new short[256];

    static {
        int k = 0;
        int code = 0;
        for (int length = 1; length <= MAX_LENGTH; length++) {
            FIRST[length] = code;
            START[length] = k;
            for (int sym = 0; sym <= EOS; sym++) {
                if (LENGTHS[sym] == length) {
                    CODES[sym] = code++;
                    SORTED[k++] = (short) sym;
                }
            }
            COUNT[length] = k - START[length];
            code <<= 1;
        }
        for (int sym = 0; sym <= EOS; sym++) {
            int length = LENGTHS[sym];
            if (length <= 8) {
                int base = CODES[sym] << (8 - length);
                for (int fill = 0; fill < 1 << (8 - length); fill++) {
                    FAST[base + fill] = (short) (length << 9 | sym);
                }
            }
        }
    }

    private Huffman() {
    }

    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /** The bytes {@code src[off, off+len)} take Huffman-coded. */
    static int encodedLength(byte[] src, int off, int len) {
        long bits = 0;
        for (int i = off; i < off + len; i++) {
            bits += LENGTHS[src[i] & 0xFF];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Codes {@code src[off, off+len)} into {@code dst} from {@code at}; returns the end. */
    static int encode(byte[] src, int off, int len, byte[] dst, int at) {
        long acc = 0;
        int bits = 0;
        for (int i = off; i < off + len; i++) {
            int sym = src[i] & 0xFF;
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                dst[at++] = (byte) (acc >>> bits);
            }
        }
        if (bits > 0) {
            // RFC 7541 §5.2: padded with the most significant bits of EOS, all ones.
            dst[at++] = (byte) ((acc << (8 - bits)) | (0xFF >>> bits));
        }
        return at;
    }

    /**
     * Decodes {@code src[off, off+len)} into {@code dst} from {@code at}; returns the end, or
     * -1 if the input is not a valid coding (RFC 7541 §5.2: EOS inside, padding longer than
     * 7 bits or not all ones) or {@code dst} has no room from {@code at} to {@code limit}.
     */
    static int decode(byte[] src, int off, int len, byte[] dst, int at, int limit) {
        long acc = 0;
        int bits = 0;
        int i = off;
        int end = off + len;
        while (true) {
            while (bits < MAX_LENGTH && i < end) {
                acc = (acc << 8) | (src[i++] & 0xFF);
                bits += 8;
            }
            if (bits == 0) {
                return at;
            }
            int next8 = (int) (bits >= 8 ? acc >>> (bits - 8) : acc << (8 - bits)) & 0xFF;
            int entry = FAST[next8];
            int length;
            int sym;
            if (entry != 0) {
                length = entry >>> 9;
                sym = entry & 0x1FF;
            } else {
                length = 9;
                sym = -1;
                for (; length <= Math.min(bits, MAX_LENGTH); length++) {
                    int code = (int) (acc >>> (bits - length)) & ((1 << length) - 1);
                    if (Integer.compareUnsigned(code - FIRST[length], COUNT[length]) < 0) {
                        sym = SORTED[START[length] + code - FIRST[length]];
                        break;
                    }
                }
            }
            if (sym < 0 || length > bits) {
                // Out of input: what is left must be padding, fewer than 8 bits, all ones.
                return i == end && bits < 8 && (acc & ((1L << bits) - 1)) == (1L << bits) - 1 ? at : -1;
            }
            if (sym == EOS || at == limit) {
                return -1;
            }
            dst[at++] = (byte) sym;
            bits -= length;
        }
    }
}
