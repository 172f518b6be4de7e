package io.shockwave.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of a field value that RFC 9110 §5.6 builds from lists, parameters and
 * quoted-strings: {@code multipart/form-data; boundary="x"}, {@code form-data; name="a"},
 * {@code for=1.2.3.4;proto=https, for="[::1]"}.
 */
public final class HeaderParameters {
    private HeaderParameters() {
    }

    /** {@code s} split at {@code separator} where it is not inside a quoted-string. */
    public static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == separator && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** A quoted-string's content with its quoted-pairs resolved; any other value as it is. */
    public static String unquote(String v) {
        if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length() - 2);
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                c = v.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Parameter {@code name} (case-insensitive) of a value such as {@code type; a=1; b="2"}, unquoted; null if absent. */
    public static String parameter(String value, String name) {
        List<String> parts = splitOutsideQuotes(value, ';');
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i);
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals(name)) {
                return unquote(p.substring(eq + 1).strip());
            }
        }
        return null;
    }

    /** The media type of a Content-Type value, lower case, without parameters; "" when there is none. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
