package io.shockwave.runtime.internal;

/** What the client sent, made safe to write into a log line or a JSON string. */
public final class Escapes {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Escapes() {
    }

    /**
     * Appends {@code s} with quotes, backslashes, controls and non-ASCII escaped by a hex escape
     * per character: backslash, x and two digits in a log line ({@code json} false), backslash,
     * u and four digits in a JSON string.
     */
    public static void append(StringBuilder b, String s, boolean json) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7F) {
                if (json) {
                    b.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]);
                } else {
                    b.append("\\x");
                }
                b.append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
            } else {
                b.append(c);
            }
        }
    }
}
