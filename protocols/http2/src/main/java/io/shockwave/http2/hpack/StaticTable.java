package io.shockwave.http2.hpack;

import java.nio.charset.StandardCharsets;

/** RFC 7541 Appendix A: the 61 entries every HPACK context starts with, indexed from 1. */
final class StaticTable {
    static final int LENGTH = 61;
    static final int AUTHORITY = 1;
    static final int METHOD_GET = 2;
    static final int PATH_SLASH = 4;
    static final int STATUS_200 = 8;
    static final int CONTENT_LENGTH = 28;

    private static final String[][] ENTRIES = {
            {":authority", ""}, {":method", "GET"}, {":method", "POST"}, {":path", "/"},
            {":path", "/index.html"}, {":scheme", "http"}, {":scheme", "https"}, {":status", "200"},
            {":status", "204"}, {":status", "206"}, {":status", "304"}, {":status", "400"},
            {":status", "404"}, {":status", "500"}, {"accept-charset", ""}, {"accept-encoding", "gzip, deflate"},
            {"accept-language", ""}, {"accept-ranges", ""}, {"accept", ""}, {"access-control-allow-origin", ""},
            {"age", ""}, {"allow", ""}, {"authorization", ""}, {"cache-control", ""},
            {"content-disposition", ""}, {"content-encoding", ""}, {"content-language", ""}, {"content-length", ""},
            {"content-location", ""}, {"content-range", ""}, {"content-type", ""}, {"cookie", ""},
            {"date", ""}, {"etag", ""}, {"expect", ""}, {"expires", ""},
            {"from", ""}, {"host", ""}, {"if-match", ""}, {"if-modified-since", ""},
            {"if-none-match", ""}, {"if-range", ""}, {"if-unmodified-since", ""}, {"last-modified", ""},
            {"link", ""}, {"location", ""}, {"max-forwards", ""}, {"proxy-authenticate", ""},
            {"proxy-authorization", ""}, {"range", ""}, {"referer", ""}, {"refresh", ""},
            {"retry-after", ""}, {"server", ""}, {"set-cookie", ""}, {"strict-transport-security", ""},
            {"transfer-encoding", ""}, {"user-agent", ""}, {"vary", ""}, {"via", ""},
            {"www-authenticate", ""},
    };

    /** Index 0 is unused, so that an HPACK index reads the array directly. */
    static final byte[][] NAMES = new byte[LENGTH + 1][];
    static final byte[][] VALUES = new byte[LENGTH + 1][];

    /** By name length: the indexes of the entries with a name that long, first of each name only. */
    private static final int[][] BY_LENGTH;

    static {
        for (int i = 0; i < LENGTH; i++) {
            NAMES[i + 1] = ENTRIES[i][0].getBytes(StandardCharsets.US_ASCII);
            VALUES[i + 1] = ENTRIES[i][1].getBytes(StandardCharsets.US_ASCII);
        }
        int longest = 0;
        for (int i = 1; i <= LENGTH; i++) {
            longest = Math.max(longest, NAMES[i].length);
        }
        BY_LENGTH = new int[longest + 1][0];
        for (int i = 1; i <= LENGTH; i++) {
            if (i > 1 && java.util.Arrays.equals(NAMES[i], NAMES[i - 1])) {
                continue; // :method GET, :method POST: the name's first index is the one
            }
            int[] same = BY_LENGTH[NAMES[i].length];
            same = java.util.Arrays.copyOf(same, same.length + 1);
            same[same.length - 1] = i;
            BY_LENGTH[NAMES[i].length] = same;
        }
    }

    private StaticTable() {
    }

    /**
     * The first index whose name is {@code name[off, off+len)}, or 0. The encoder asks for
     * every field of every response: only the few names of that length are compared.
     */
    static int indexOfName(byte[] name, int off, int len) {
        if (len >= BY_LENGTH.length) {
            return 0;
        }
        for (int i : BY_LENGTH[len]) {
            if (java.util.Arrays.equals(NAMES[i], 0, len, name, off, off + len)) {
                return i;
            }
        }
        return 0;
    }
}
