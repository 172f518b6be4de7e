package io.shockwave.runtime;

import java.nio.charset.StandardCharsets;

/**
 * The request methods of RFC 9110 §9 and RFC 5789 (PATCH). A request with any other
 * method is answered with 501 by the protocol engine before a handler sees it.
 */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH;

    private static final Method[] VALUES = values();

    private final byte[] bytes = name().getBytes(StandardCharsets.US_ASCII);

    /** The method token as ASCII bytes, shared: do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * The method spelled by {@code buf[off, off+len)}, compared case-sensitively as
     * RFC 9110 §9.1 requires, or {@code null} if it is not one of these.
     */
    public static Method parse(byte[] buf, int off, int len) {
        Method candidate = switch (len) {
            case 3 -> buf[off] == 'G' ? GET : buf[off] == 'P' ? PUT : null;
            case 4 -> buf[off] == 'P' ? POST : buf[off] == 'H' ? HEAD : null;
            case 5 -> buf[off] == 'P' ? PATCH : buf[off] == 'T' ? TRACE : null;
            case 6 -> buf[off] == 'D' ? DELETE : null;
            case 7 -> buf[off] == 'O' ? OPTIONS : buf[off] == 'C' ? CONNECT : null;
            default -> null;
        };
        if (candidate == null) {
            return null;
        }
        byte[] expected = candidate.bytes;
        for (int i = 1; i < len; i++) { // the switch has checked byte 0
            if (buf[off + i] != expected[i]) {
                return null;
            }
        }
        return candidate;
    }

    /** The method named {@code name}, or {@code null}. */
    public static Method of(String name) {
        for (Method m : VALUES) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** Safe methods (RFC 9110 §9.2.1) do not change server state. */
    public boolean isSafe() {
        return this == GET || this == HEAD || this == OPTIONS || this == TRACE;
    }

    /** Idempotent methods (RFC 9110 §9.2.2) may be retried automatically. */
    public boolean isIdempotent() {
        return isSafe() || this == PUT || this == DELETE;
    }
}
