package io.shockwave.samples.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the sample: a flat object of strings, numbers, booleans and nulls
 * in, escaped strings out. A real service would use a JSON library; the server itself has
 * no opinion on JSON.
 */
final class Json {
    /** The body was not a flat JSON object: the client gets a 400. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** The members of a flat JSON object: String, Boolean, Double or null values. */
    static Map<String, Object> parseObject(String text) {
        Json p = new Json(text);
        p.space();
        Map<String, Object> members = p.object();
        p.space();
        if (p.i != text.length()) {
            throw new Malformed("text after the object");
        }
        return members;
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> members = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            i++;
            return members;
        }
        while (true) {
            space();
            String name = string();
            space();
            expect(':');
            space();
            if (members.put(name, value()) != null) {
                throw new Malformed("member \"" + name + "\" twice");
            }
            space();
            char c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw new Malformed("expected , or } at " + (i - 1));
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
        }
        if (s.startsWith("null", i)) {
            i += 4;
            return null;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            try {
                return Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new Malformed("not a number at " + start);
            }
        }
        throw new Malformed("only strings, numbers, booleans and null are taken, at " + i);
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw new Malformed("a control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw new Malformed("a short \\u escape");
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw new Malformed("a bad \\u escape");
                    }
                    i += 4;
                }
                default -> throw new Malformed("a bad escape \\" + e);
            }
        }
    }

    private void space() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw new Malformed("the text ends too early");
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new Malformed("expected " + c + " at " + (i - 1));
        }
    }

    /** {@code "text"}, escaped for JSON. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == '<') {
                        b.append(String.format("\\u%04x", (int) c)); // '<': safe inside an HTML script too
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
