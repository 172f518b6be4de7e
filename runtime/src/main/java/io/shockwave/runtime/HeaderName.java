package io.shockwave.runtime;

import io.shockwave.runtime.spi.Ascii;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    private static final java.util.List<HeaderName> KNOWN_IN_ORDER = new java.util.ArrayList<>();
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
    public static final HeaderName IF_MODIFIED_SINCE = known("If-Modified-Since");
    public static final HeaderName ORIGIN = known("Origin");
    public static final HeaderName PRAGMA = known("Pragma");
    public static final HeaderName RANGE = known("Range");
    public static final HeaderName REFERER = known("Referer");
    public static final HeaderName SEC_FETCH_DEST = known("Sec-Fetch-Dest");
    public static final HeaderName SEC_FETCH_MODE = known("Sec-Fetch-Mode");
    public static final HeaderName SEC_FETCH_SITE = known("Sec-Fetch-Site");
    public static final HeaderName SEC_FETCH_USER = known("Sec-Fetch-User");
    public static final HeaderName UPGRADE_INSECURE_REQUESTS = known("Upgrade-Insecure-Requests");
    public static final HeaderName X_FORWARDED_FOR = known("X-Forwarded-For");
    public static final HeaderName X_REQUESTED_WITH = known("X-Requested-With");
    public static final HeaderName ACCEPT_RANGES = known("Accept-Ranges");
    public static final HeaderName CONTENT_RANGE = known("Content-Range");
    public static final HeaderName IF_RANGE = known("If-Range");
    public static final HeaderName FORWARDED = known("Forwarded");
    public static final HeaderName X_FORWARDED_PROTO = known("X-Forwarded-Proto");
    public static final HeaderName X_FORWARDED_HOST = known("X-Forwarded-Host");

    private static final int TABLE_BITS = 8;
    private static final int TABLE_SIZE = 1 << TABLE_BITS;
    private static final HeaderName[] HASH_TABLE = hashTable();
    private static final int MAX_KNOWN_LENGTH = KNOWN_IN_ORDER.stream().mapToInt(HeaderName::length).max().orElse(0);

    private final String name;
    private final byte[] bytes;
    private final byte[] lower;
    private final int id;
    /** The lower-case name as little-endian words, zero-padded, and per word the bits that case may flip. */
    private final long[] lowerWords;
    private final long[] caseMasks;

    private HeaderName(String name) {
        this(name, -1);
    }

    private HeaderName(String name, int id) {
        if (!Ascii.isToken(name)) {
            throw new IllegalArgumentException("not a valid header field name: \"" + name + "\"");
        }
        this.name = name;
        this.bytes = name.getBytes(StandardCharsets.US_ASCII);
        this.lower = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            lower[i] = Ascii.LOWER[bytes[i] & 0xFF];
        }
        HeaderName known = id >= 0 ? null : KNOWN.get(new String(lower, StandardCharsets.US_ASCII));
        this.id = known != null ? known.id : id;
        int words = (lower.length + 7) / 8;
        this.lowerWords = new long[words];
        this.caseMasks = new long[words];
        for (int i = 0; i < lower.length; i++) {
            lowerWords[i / 8] |= (lower[i] & 0xFFL) << (8 * (i % 8));
            if (lower[i] >= 'a' && lower[i] <= 'z') {
                caseMasks[i / 8] |= 0x20L << (8 * (i % 8));
            }
        }
    }

    private static HeaderName known(String name) {
        HeaderName h = new HeaderName(name, KNOWN_IN_ORDER.size());
        KNOWN.put(name.toLowerCase(java.util.Locale.ROOT), h);
        KNOWN_IN_ORDER.add(h);
        return h;
    }

    private static HeaderName[] hashTable() {
        HeaderName[] table = new HeaderName[TABLE_SIZE];
        for (HeaderName h : KNOWN_IN_ORDER) {
            long first = h.lowerWords[0] | 0x2020202020202020L;
            int slot = slot(h.length() < 8 ? first & ((1L << (h.length() << 3)) - 1) : first, h.length());
            while (table[slot] != null) {
                slot = (slot + 1) & (TABLE_SIZE - 1);
            }
            table[slot] = h;
        }
        return table;
    }

    private static int slot(long foldedFirstWord, int length) {
        return (int) ((foldedFirstWord + length) * 0x9E3779B97F4A7C15L >>> (64 - TABLE_BITS));
    }

    /**
     * The registered name spelled by {@code buf[off, off+len)} in any case, or {@code null}.
     * One hash probe on the first eight bytes with ASCII case folded, then an exact check
     * eight bytes at a time: a letter matches either case, every other byte must be equal,
     * so a match also proves the name is a valid token. For protocol engines.
     */
    public static HeaderName known(byte[] buf, int off, int len) {
        if (len == 0 || len > MAX_KNOWN_LENGTH || off + ((len + 7) & ~7) > buf.length) {
            return knownSlowly(buf, off, len);
        }
        long first = (long) LONG.get(buf, off);
        long tail = (len & 7) == 0 ? -1L : (1L << ((len & 7) << 3)) - 1;
        long folded = first | 0x2020202020202020L;
        int slot = slot(len < 8 ? folded & tail : folded, len);
        int words = (len + 7) >>> 3;
        HeaderName h;
        while ((h = HASH_TABLE[slot]) != null) {
            if (h.bytes.length == len && h.matches(buf, off, words, tail)) {
                return h;
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        return null;
    }

    private static HeaderName knownSlowly(byte[] buf, int off, int len) {
        for (HeaderName h : KNOWN_IN_ORDER) {
            if (h.bytes.length == len && Ascii.equalsLower(buf, off, len, h.lower)) {
                return h;
            }
        }
        return null;
    }

    private boolean matches(byte[] buf, int off, int words, long tail) {
        int last = words - 1;
        for (int i = 0; i < last; i++) {
            if (((long) LONG.get(buf, off + 8 * i) | caseMasks[i]) != lowerWords[i]) {
                return false;
            }
        }
        return (((long) LONG.get(buf, off + 8 * last) & tail) | caseMasks[last]) == lowerWords[last];
    }

    /** The registered name with {@link #id()} {@code id}. */
    public static HeaderName byId(int id) {
        return KNOWN_IN_ORDER.get(id);
    }

    /** A small number for each registered name, the same for every spelling of it; -1 for others. */
    public int id() {
        return id;
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
