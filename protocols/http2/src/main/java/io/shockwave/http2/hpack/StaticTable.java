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

    static {
        for (int i = 0; i < LENGTH; i++) {
            NAMES[i + 1] = ENTRIES[i][0].getBytes(StandardCharsets.US_ASCII);
            VALUES[i + 1] = ENTRIES[i][1].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private StaticTable() {
    }

    /** The first index whose name is {@code name[off, off+len)}, or 0. */
    static int indexOfName(byte[] name, int off, int len) {
        for (int i = 1; i <= LENGTH; i++) {
            if (java.util.Arrays.equals(NAMES[i], 0, NAMES[i].length, name, off, off + len)) {
                return i;
            }
        }
        return 0;
    }
}
