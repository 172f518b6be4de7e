package io.shockwave.runtime;

import io.shockwave.runtime.spi.Ascii;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A header field name, validated once and kept as bytes in its written case and in
 * lower case, so lookups compare bytes without decoding. Use the constants, or keep
 * the result of {@link #of(String)} in a static field for names of your own.
 */
public final class HeaderName {
    private static final Map<String, HeaderName> KNOWN = new HashMap<>();

    public static final HeaderName ACCEPT = known("Accept");
    public static final HeaderName ACCEPT_ENCODING = known("Accept-Encoding");
    public static final HeaderName ACCEPT_LANGUAGE = known("Accept-Language");
    public static final HeaderName ALLOW = known("Allow");
    public static final HeaderName ALT_SVC = known("Alt-Svc");
    public static final HeaderName AUTHORIZATION = known("Authorization");
    public static final HeaderName CACHE_CONTROL = known("Cache-Control");
    public static final HeaderName CONNECTION = known("Connection");
    public static final HeaderName CONTENT_ENCODING = known("Content-Encoding");
    public static final HeaderName CONTENT_LENGTH = known("Content-Length");
    public static final HeaderName CONTENT_TYPE = known("Content-Type");
    public static final HeaderName COOKIE = known("Cookie");
    public static final HeaderName DATE = known("Date");
    public static final HeaderName ETAG = known("ETag");
    public static final HeaderName EXPECT = known("Expect");
    public static final HeaderName HOST = known("Host");
    public static final HeaderName IF_NONE_MATCH = known("If-None-Match");
    public static final HeaderName KEEP_ALIVE = known("Keep-Alive");
    public static final HeaderName LAST_MODIFIED = known("Last-Modified");
    public static final HeaderName LOCATION = known("Location");
    public static final HeaderName RETRY_AFTER = known("Retry-After");
    public static final HeaderName SERVER = known("Server");
    public static final HeaderName SET_COOKIE = known("Set-Cookie");
    public static final HeaderName TE = known("TE");
    public static final HeaderName TRAILER = known("Trailer");
    public static final HeaderName TRANSFER_ENCODING = known("Transfer-Encoding");
    public static final HeaderName UPGRADE = known("Upgrade");
    public static final HeaderName USER_AGENT = known("User-Agent");
    public static final HeaderName VARY = known("Vary");

    private final String name;
    private final byte[] bytes;
    private final byte[] lower;

    private HeaderName(String name) {
        if (!Ascii.isToken(name)) {
            throw new IllegalArgumentException("not a valid header field name: \"" + name + "\"");
        }
        this.name = name;
        this.bytes = name.getBytes(StandardCharsets.US_ASCII);
        this.lower = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            lower[i] = Ascii.LOWER[bytes[i] & 0xFF];
        }
    }

    private static HeaderName known(String name) {
        HeaderName h = new HeaderName(name);
        KNOWN.put(name.toLowerCase(java.util.Locale.ROOT), h);
        return h;
    }

    /** The name, validated as a token (RFC 9110 §5.1); a shared constant when one exists. */
    public static HeaderName of(String name) {
        HeaderName known = KNOWN.get(name);
        if (known == null) {
            known = KNOWN.get(name.toLowerCase(java.util.Locale.ROOT));
        }
        return known != null && known.name.equals(name) ? known : new HeaderName(name);
    }

    /** The name as written, e.g. {@code Content-Type}. */
    public String name() {
        return name;
    }

    /** The name as written, in ASCII; shared, do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    /** The name in lower case, in ASCII; shared, do not modify. */
    public byte[] lowerBytes() {
        return lower;
    }

    public int length() {
        return bytes.length;
    }

    /** Names are equal ignoring case (RFC 9110 §5.1). */
    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderName h && java.util.Arrays.equals(h.lower, lower);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(lower);
    }

    @Override
    public String toString() {
        return name;
    }
}
