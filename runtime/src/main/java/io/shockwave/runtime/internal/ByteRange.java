package io.shockwave.runtime.internal;

/**
 * One byte range of a {@code Range} field (RFC 9110 §14.1.2) against a representation of
 * {@code size} bytes: {@code bytes=0-99}, {@code bytes=100-}, {@code bytes=-100}. Several
 * ranges are answered whole: a server may ignore Range, and multipart/byteranges is a way
 * to make a server assemble many pieces for a few request bytes.
 */
public record ByteRange(long start, long length) {
    /** What {@link #parse} returns for a range none of whose bytes exist: a 416. */
    public static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /** The range asked for, {@link #UNSATISFIABLE}, or null to send the whole (no Range, or one to ignore). */
    public static ByteRange parse(String field, long size) {
        if (field == null || !field.regionMatches(true, 0, "bytes=", 0, 6) || field.indexOf(',') >= 0) {
            return null;
        }
        String spec = field.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        long first = dash == 0 ? -1 : digits(spec, 0, dash);
        long last = dash == spec.length() - 1 ? -1 : digits(spec, dash + 1, spec.length());
        if (first == -2 || last == -2 || (first < 0 && last < 0)) {
            return null; // malformed: ignored, as RFC 9110 §14.2 allows
        }
        if (first < 0) { // a suffix: the last `last` bytes
            if (last == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            long n = Math.min(last, size);
            return new ByteRange(size - n, n);
        }
        if (last >= 0 && last < first) {
            return null;
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        long end = last < 0 ? size - 1 : Math.min(last, size - 1);
        return new ByteRange(first, end - first + 1);
    }

    /** The decimal in {@code s[from, to)}, or -2 if it is not one (or too long for a long). */
    private static long digits(String s, int from, int to) {
        if (to - from > 18) {
            return -2;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code bytes 0-99/1000}. */
    public String contentRange(long size) {
        return "bytes " + start + "-" + (start + length - 1) + "/" + size;
    }
}
