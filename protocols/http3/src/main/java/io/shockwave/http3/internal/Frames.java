package io.shockwave.http3.internal;

/** HTTP/3 frame and stream types, settings and error codes (RFC 9114 §6.2, §7.2, §8.1; RFC 9204). */
final class Frames {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int CANCEL_PUSH = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int GOAWAY = 0x7;
    static final int MAX_PUSH_ID = 0xd;

    static final int CONTROL_STREAM = 0x00;
    static final int PUSH_STREAM = 0x01;
    static final int QPACK_ENCODER_STREAM = 0x02;
    static final int QPACK_DECODER_STREAM = 0x03;

    static final int SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0x01;
    static final int SETTINGS_MAX_FIELD_SECTION_SIZE = 0x06;
    static final int SETTINGS_QPACK_BLOCKED_STREAMS = 0x07;

    static final long H3_NO_ERROR = 0x100;
    static final long H3_GENERAL_PROTOCOL_ERROR = 0x101;
    static final long H3_INTERNAL_ERROR = 0x102;
    static final long H3_STREAM_CREATION_ERROR = 0x103;
    static final long H3_CLOSED_CRITICAL_STREAM = 0x104;
    static final long H3_FRAME_UNEXPECTED = 0x105;
    static final long H3_FRAME_ERROR = 0x106;
    static final long H3_EXCESSIVE_LOAD = 0x107;
    static final long H3_ID_ERROR = 0x108;
    static final long H3_SETTINGS_ERROR = 0x109;
    static final long H3_MISSING_SETTINGS = 0x10a;
    static final long H3_REQUEST_REJECTED = 0x10b;
    static final long H3_REQUEST_CANCELLED = 0x10c;
    static final long H3_REQUEST_INCOMPLETE = 0x10d;
    static final long H3_MESSAGE_ERROR = 0x10e;
    static final long QPACK_DECOMPRESSION_FAILED = 0x200;

    private Frames() {
    }

    /**
     * Frame types that HTTP/2 had and HTTP/3 reserves (§7.2.8): receiving one is a
     * connection error of type H3_FRAME_UNEXPECTED.
     */
    static boolean isReservedHttp2Type(long type) {
        return type == 0x2 || type == 0x6 || type == 0x8 || type == 0x9;
    }

    /** Bytes of the variable-length encoding of {@code v} (RFC 9000 §16). */
    static int varintLength(long v) {
        return v < 0x40 ? 1 : v < 0x4000 ? 2 : v < 0x4000_0000 ? 4 : 8;
    }

    /** Writes {@code v} as a variable-length integer at {@code at}; returns the position after it. */
    static int putVarint(byte[] b, int at, long v) {
        int n = varintLength(v);
        long prefix = switch (n) {
            case 1 -> 0L;
            case 2 -> 1L;
            case 4 -> 2L;
            default -> 3L;
        };
        long encoded = v | prefix << (n * 8 - 2);
        for (int i = n - 1; i >= 0; i--) {
            b[at + i] = (byte) encoded;
            encoded >>>= 8;
        }
        return at + n;
    }

    /** A frame header (type and length) at {@code at}; returns the position after it. */
    static int putFrameHeader(byte[] b, int at, int type, long length) {
        return putVarint(b, putVarint(b, at, type), length);
    }
}
