package io.shockwave.runtime;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cookie to set with {@link Response#cookie(Cookie)}: a name, a value and the attributes
 * of RFC 6265 §4.1 plus {@code SameSite}. Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * res.cookie(Cookie.of("session", id).withPath("/").withHttpOnly(true).withSecure(true)
 *         .withSameSite(Cookie.SameSite.LAX).withMaxAge(Duration.ofHours(8)));
 * res.cookie(Cookie.of("session", "").withPath("/").withMaxAge(Duration.ZERO)); // deletes it
 * }</pre>
 *
 * <p>Names must be tokens and values cookie-octets (no space, comma, semicolon, backslash or
 * quote), and path and domain free of control characters and {@code ;}: anything else is an
 * {@link IllegalArgumentException}, so a value taken from a request cannot add attributes or
 * header fields. {@code SameSite=None} requires {@code Secure}, as browsers do.
 */
public record Cookie(String name, String value, String path, String domain, Duration maxAge,
                     boolean secure, boolean httpOnly, SameSite sameSite) {

    /** Whether a browser sends the cookie on requests that other sites start. */
    public enum SameSite {
        STRICT("Strict"), LAX("Lax"), NONE("None");

        private final String attribute;

        SameSite(String attribute) {
            this.attribute = attribute;
        }
    }

    public Cookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!io.shockwave.runtime.spi.Ascii.isToken(name)) {
            throw new IllegalArgumentException("a cookie name is a token: \"" + name + "\"");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isCookieOctet(value.charAt(i))) {
                throw new IllegalArgumentException("not a cookie value (RFC 6265 cookie-octet): \"" + value + "\"");
            }
        }
        checkAttribute("Path", path);
        checkAttribute("Domain", domain);
        if (maxAge != null && maxAge.isNegative()) {
            throw new IllegalArgumentException("a negative Max-Age: use Duration.ZERO to delete a cookie");
        }
        if (sameSite == SameSite.NONE && !secure) {
            throw new IllegalArgumentException("SameSite=None requires Secure: browsers drop such cookies");
        }
    }

    /** A session cookie: no attributes but the ones added with {@code withX}. */
    public static Cookie of(String name, String value) {
        return new Cookie(name, value, null, null, null, false, false, null);
    }

    public Cookie withPath(String path) {
        return new Cookie(name, value, path, domain, maxAge, secure, httpOnly, sameSite);
    }

    public Cookie withDomain(String domain) {
        return new Cookie(name, value, path, domain, maxAge, secure, httpOnly, sameSite);
    }

    /** How long the browser keeps it; {@link Duration#ZERO} deletes it, {@code null} keeps it for the session. */
    public Cookie withMaxAge(Duration maxAge) {
        return new Cookie(name, value, path, domain, maxAge, secure, httpOnly, sameSite);
    }

    public Cookie withSecure(boolean secure) {
        return new Cookie(name, value, path, domain, maxAge, secure, httpOnly, sameSite);
    }

    public Cookie withHttpOnly(boolean httpOnly) {
        return new Cookie(name, value, path, domain, maxAge, secure, httpOnly, sameSite);
    }

    public Cookie withSameSite(SameSite sameSite) {
        return new Cookie(name, value, path, domain, maxAge, secure, httpOnly, sameSite);
    }

    /** The {@code Set-Cookie} field value. */
    public String toSetCookie() {
        StringBuilder b = new StringBuilder(name.length() + value.length() + 64).append(name).append('=').append(value);
        if (path != null) {
            b.append("; Path=").append(path);
        }
        if (domain != null) {
            b.append("; Domain=").append(domain);
        }
        if (maxAge != null) {
            b.append("; Max-Age=").append(maxAge.toSeconds());
        }
        if (secure) {
            b.append("; Secure");
        }
        if (httpOnly) {
            b.append("; HttpOnly");
        }
        if (sameSite != null) {
            b.append("; SameSite=").append(sameSite.attribute);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return toSetCookie();
    }

    /** RFC 6265 §4.1.1: US-ASCII but controls, whitespace, DQUOTE, comma, semicolon and backslash. */
    private static boolean isCookieOctet(char c) {
        return c >= 0x21 && c <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
    }

    private static void checkAttribute(String attribute, String v) {
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == ';') {
                throw new IllegalArgumentException("a cookie " + attribute + " without controls or ';': \"" + v + "\"");
            }
        }
    }

    /** The request attribute that holds its parsed cookies, so that each lookup does not parse them again. */
    static final String ATTRIBUTE = "io.shockwave.cookies";

    /** {@code request}'s cookies, parsed on the first call and kept for the exchange. */
    static Map<String, String> of(Request request) {
        Map<String, String> cookies = request.attribute(ATTRIBUTE);
        if (cookies == null) {
            cookies = parse(request.headers().getAll(HeaderName.COOKIE));
            request.attribute(ATTRIBUTE, cookies);
        }
        return cookies;
    }

    /**
     * The cookies of a request's {@code Cookie} fields (HTTP/2 and HTTP/3 may split them in
     * several), by name; the first of a name wins, as browsers send the most specific first.
     * Lenient as RFC 6265 §5.4 says a server should be: pairs without {@code =} are skipped,
     * a value's surrounding quotes dropped.
     */
    static Map<String, String> parse(List<String> fields) {
        if (fields.isEmpty()) {
            return Map.of();
        }
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String field : fields) {
            int i = 0;
            int end = field.length();
            while (i < end) {
                int semi = field.indexOf(';', i);
                int stop = semi < 0 ? end : semi;
                int eq = field.indexOf('=', i);
                if (eq >= 0 && eq < stop) {
                    String name = field.substring(i, eq).strip();
                    String value = field.substring(eq + 1, stop).strip();
                    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (!name.isEmpty()) {
                        cookies.putIfAbsent(name, value);
                    }
                }
                i = stop + 1;
            }
        }
        return Collections.unmodifiableMap(cookies);
    }
}
