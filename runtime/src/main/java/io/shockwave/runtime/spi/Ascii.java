package io.shockwave.runtime.spi;

/** Byte tables for the ASCII grammar of HTTP fields (RFC 9110 §5.6). */
public final class Ascii {
    /** ASCII lower-casing of every byte value; non-letters map to themselves. */
    public static final byte[] LOWER = new byte[256];
    /** 1 for a tchar (RFC 9110 §5.6.2), the bytes allowed in tokens and field names. */
    public static final boolean[] TCHAR = new boolean[256];

    static {
        for (int i = 0; i < 256; i++) {
            LOWER[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
            TCHAR[i] = (i >= '0' && i <= '9') || (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')
                    || "!#$%&'*+-.^_`|~".indexOf(i) >= 0;
        }
    }

    private Ascii() {
    }

    /** The value of a hex digit, or -1 if {@code b} is not one. */
    public static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    public static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    /** Whether {@code s} is a non-empty token (RFC 9110 §5.6.2). */
    public static boolean isToken(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buf[off, off+len)} equals {@code lower} ignoring ASCII case; {@code lower} is lower case. */
    public static boolean equalsLower(byte[] buf, int off, int len, byte[] lower) {
        if (len != lower.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (LOWER[buf[off + i] & 0xFF] != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buf[off, off+len)} equals {@code s} ignoring ASCII case. */
    public static boolean equalsIgnoreCase(byte[] buf, int off, int len, CharSequence s) {
        if (len != s.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c > 0xFF || LOWER[buf[off + i] & 0xFF] != LOWER[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the comma-separated list in {@code buf[off, off+len)} holds {@code token}
     * as one of its elements, ignoring case and optional whitespace (RFC 9110 §5.6.1).
     */
    public static boolean listContains(byte[] buf, int off, int len, CharSequence token) {
        int end = off + len;
        for (int i = listElementStart(buf, off, end); i < end; ) {
            int limit = listElementLimit(buf, i, end);
            int stop = trimEnd(buf, i, limit);
            if (equalsIgnoreCase(buf, i, stop - i, token)) {
                return true;
            }
            i = listElementStart(buf, limit, end);
        }
        return false;
    }

    /**
     * The start of the next element of a comma-separated list (RFC 9110 §5.6.1) at or
     * after {@code i}, past commas and whitespace; {@code end} if there is none. An
     * element found this way is never empty.
     */
    public static int listElementStart(byte[] buf, int i, int end) {
        while (i < end && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == ',')) {
            i++;
        }
        return i;
    }

    /** The offset of the comma that ends the list element starting at {@code start}, or {@code end}. */
    public static int listElementLimit(byte[] buf, int start, int end) {
        while (start < end && buf[start] != ',') {
            start++;
        }
        return start;
    }

    /** {@code stop} moved back over trailing spaces and tabs, but not before {@code start}. */
    public static int trimEnd(byte[] buf, int start, int stop) {
        while (stop > start && (buf[stop - 1] == ' ' || buf[stop - 1] == '\t')) {
            stop--;
        }
        return stop;
    }
}
