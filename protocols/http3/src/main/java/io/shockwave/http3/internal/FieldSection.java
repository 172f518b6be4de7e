package io.shockwave.http3.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.Status;
import tech.kwik.qpack.Decoder;
import java.nio.charset.StandardCharsets;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

/**
 * Field sections (RFC 9114 §4.2, RFC 9204): QPACK with the static table and literals only,
 * since this server advertises a dynamic table capacity of 0, and the checks §4.2 and
 * §4.3.1 demand of a request. A section that references the dynamic table is a connection
 * error (QPACK_DECOMPRESSION_FAILED); a malformed request is answered 400, as the RFC
 * allows before the stream is closed.
 */
final class FieldSection {
    private static final List<String> CONNECTION_SPECIFIC =
            List.of("connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade");

    /** Built once: each build reads the static table from a resource, and its Huffman table is set up on first use. */
    private static final Decoder DECODER = Decoder.newBuilder().build();
    /** Entries of QPACK's static table (RFC 9204 Appendix A). */
    private static final int STATIC_ENTRIES = 99;

    static {
        try {
            DECODER.decodeStream(new ByteArrayInputStream(new byte[] {0, 0, 0x51, (byte) 0x81, 0x63})); // :path, Huffman
        } catch (java.io.IOException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FieldSection() {
    }

    /**
     * Walks the field lines of a section (RFC 9204 §4.5) without decoding them: the prefix
     * says no dynamic table, every reference is to the static table, every string fits in
     * what is left, and there are at most {@code maxCount} lines. So what the QPACK library
     * then allocates is bounded by the section's own size.
     */
    static void checkStructure(byte[] b, int length, int maxCount) throws Http3Exception, HttpException {
        // Required Insert Count and Base: both 0 without a dynamic table (§4.5.1).
        if (length < 2 || b[0] != 0 || (b[1] & 0xFF) != 0) {
            throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a field section that needs the dynamic table");
        }
        int[] at = {2};
        int lines = 0;
        while (at[0] < length) {
            if (++lines > maxCount) {
                throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many request header fields");
            }
            int first = b[at[0]] & 0xFF;
            if ((first & 0x80) != 0) { // indexed field line: 1Txxxxxx
                staticIndex((first & 0x40) != 0, integer(b, at, length, 6));
            } else if ((first & 0x40) != 0) { // literal with name reference: 01NTxxxx
                staticIndex((first & 0x10) != 0, integer(b, at, length, 4));
                string(b, at, length, 7);
            } else if ((first & 0x20) != 0) { // literal with literal name: 001NHxxx
                string(b, at, length, 3);
                string(b, at, length, 7);
            } else { // post-base forms: only the dynamic table
                throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a post-base reference");
            }
        }
    }

    private static void staticIndex(boolean isStatic, long index) throws Http3Exception {
        if (!isStatic || index >= STATIC_ENTRIES) {
            throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a reference outside the static table");
        }
    }

    /** A prefixed integer (RFC 7541 §5.1) of {@code prefix} bits at {@code at[0]}; moves past it. */
    private static long integer(byte[] b, int[] at, int length, int prefix) throws Http3Exception {
        int max = (1 << prefix) - 1;
        long v = b[at[0]++] & max;
        if (v < max) {
            return v;
        }
        for (int shift = 0; ; shift += 7) {
            if (at[0] >= length || shift > 28) {
                throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a truncated or oversized integer");
            }
            int c = b[at[0]++] & 0xFF;
            v += (long) (c & 0x7F) << shift;
            if ((c & 0x80) == 0) {
                return v;
            }
        }
    }

    /** A string literal whose length has a {@code prefix}-bit prefix (the H bit just above it); moves past it. */
    private static void string(byte[] b, int[] at, int length, int prefix) throws Http3Exception {
        if (at[0] >= length) {
            throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a truncated field line");
        }
        long n = integer(b, at, length, prefix);
        if (n > length - at[0]) {
            throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a string longer than its field section");
        }
        at[0] += (int) n;
    }

    /**
     * Decodes a field section; the decoded size counts as RFC 9114 §4.2.2 does (name + value
     * + 32 each). The section is checked by {@link #checkStructure} before the QPACK library
     * sees it: that library allocates each string at the length the section declares.
     */
    static List<Map.Entry<String, String>> decode(byte[] block, int length, int maxSize, int maxCount)
            throws Http3Exception, HttpException {
        checkStructure(block, length, maxCount);
        List<Map.Entry<String, String>> fields;
        try {
            fields = DECODER.decodeStream(new ByteArrayInputStream(block, 0, length));
        } catch (Exception e) {
            throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "QPACK: " + e.getMessage());
        }
        long size = 0;
        for (Map.Entry<String, String> f : fields) {
            size += f.getKey().length() + f.getValue().length() + 32;
        }
        if (size > maxSize) {
            throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header fields too large");
        }
        return fields;
    }

    /** §4.3.1: the request's pseudo-header fields and fields into {@code request}; HttpException(400) if malformed. */
    static void toRequest(List<Map.Entry<String, String>> fields, Http3Request request, int maxCount) throws HttpException {
        String method = null;
        String scheme = null;
        String authority = null;
        String path = null;
        boolean regular = false;
        String cookies = null;
        if (fields.size() > maxCount) {
            throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many request header fields");
        }
        Headers headers = request.headers;
        for (Map.Entry<String, String> f : fields) {
            String name = f.getKey();
            String value = f.getValue();
            checkName(name);
            checkValue(value);
            if (name.startsWith(":")) {
                if (regular) {
                    throw malformed("pseudo-header field after a regular field");
                }
                switch (name) {
                    case ":method" -> method = once(method, value, name);
                    case ":scheme" -> scheme = once(scheme, value, name);
                    case ":authority" -> authority = once(authority, value, name);
                    case ":path" -> path = once(path, value, name);
                    default -> throw malformed("pseudo-header field " + name + " in a request");
                }
                continue;
            }
            regular = true;
            if (CONNECTION_SPECIFIC.contains(name)) {
                throw malformed("connection-specific field " + name);
            }
            if (name.equals("te") && !value.equals("trailers")) {
                throw malformed("TE other than trailers");
            }
            if (name.equals("cookie")) {
                // §4.2.1: a cookie split into several field lines is one again, joined by "; ".
                cookies = cookies == null ? value : cookies + "; " + value;
                continue;
            }
            headers.add(name, value);
        }
        if (cookies != null) {
            headers.add(HeaderName.COOKIE, cookies);
        }
        if (method == null) {
            throw malformed("no :method");
        }
        Method m = Method.of(method);
        if (m == Method.CONNECT) {
            throw new HttpException(Status.NOT_IMPLEMENTED, "CONNECT is not supported");
        }
        if (scheme == null || path == null || path.isEmpty()) {
            throw malformed("no :scheme or :path");
        }
        // §4.3.1: an origin-form or (OPTIONS only) asterisk-form target
        if (path.charAt(0) != '/' && !(path.equals("*") && m == Method.OPTIONS)) {
            throw malformed(":path is neither absolute nor '*' for OPTIONS");
        }
        if (m == null) {
            throw new HttpException(Status.NOT_IMPLEMENTED, "Method not implemented");
        }
        request.method = m;
        if (authority != null) {
            String host = headers.get(HeaderName.HOST);
            if (host != null && !host.equals(authority)) {
                throw malformed(":authority and Host differ");
            }
            if (host == null) {
                headers.add(HeaderName.HOST, authority);
            }
        }
        request.target(path);
        String length = headers.get(HeaderName.CONTENT_LENGTH);
        if (length != null) {
            if (length.isEmpty() || length.length() > 18 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw malformed("content-length is not a number");
            }
            request.contentLength = Long.parseLong(length);
            if (request.contentLength < 0 || headers.getAll(HeaderName.CONTENT_LENGTH).size() > 1) {
                throw malformed("bad content-length");
            }
        }
    }

    /** Trailer fields: no pseudo-header fields, the same name and value rules. */
    static void toTrailers(List<Map.Entry<String, String>> fields, Headers trailers) throws HttpException {
        for (Map.Entry<String, String> f : fields) {
            checkName(f.getKey());
            checkValue(f.getValue());
            if (f.getKey().startsWith(":")) {
                throw malformed("pseudo-header field in trailers");
            }
            trailers.add(f.getKey(), f.getValue());
        }
    }

    private static String once(String seen, String value, String name) throws HttpException {
        if (seen != null) {
            throw malformed(name + " twice");
        }
        return value;
    }

    /** §4.2: lowercase field names of token characters (a leading ':' for pseudo-headers). */
    private static void checkName(String name) throws HttpException {
        if (name.isEmpty()) {
            throw malformed("empty field name");
        }
        for (int i = name.charAt(0) == ':' ? 1 : 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                throw malformed("invalid field name");
            }
        }
    }

    /** RFC 9110 §5.5: no NUL, CR or LF, and no leading or trailing whitespace. */
    private static void checkValue(String value) throws HttpException {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n' || c > 0xFF) {
                throw malformed("invalid field value");
            }
        }
        if (n > 0 && (value.charAt(0) == ' ' || value.charAt(0) == '\t' || value.charAt(n - 1) == ' '
                || value.charAt(n - 1) == '\t')) {
            throw malformed("field value with surrounding whitespace");
        }
    }

    private static HttpException malformed(String why) {
        return new HttpException(Status.BAD_REQUEST, "Malformed request: " + why);
    }

    /**
     * Encodes a response's (or trailers') field section: {@code :status} first when
     * {@code status} > 0, then every field as a literal with a literal name, without Huffman
     * (RFC 9204 §4.5.6). Simple and always valid; the static table and Huffman would save a
     * few dozen bytes per response. (The QPACK library's encoder writes a broken integer for
     * lengths of exactly 255 and replaces non-ASCII bytes, so it is not used.)
     */
    static byte[] encode(int status, Headers headers) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + 16 * headers.size());
        out.write(0); // Required Insert Count 0
        out.write(0); // Base 0
        if (status > 0) {
            literal(out, STATUS, Integer.toString(status).getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < headers.size(); i++) {
            literal(out, headers.name(i).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1),
                    headers.value(i).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private static final byte[] STATUS = ":status".getBytes(StandardCharsets.US_ASCII);

    private static void literal(java.io.ByteArrayOutputStream out, byte[] name, byte[] value) {
        writeInteger(out, 0x20, 3, name.length); // 001 N=0 H=0, 3-bit name length
        out.write(name, 0, name.length);
        writeInteger(out, 0x00, 7, value.length); // H=0, 7-bit value length
        out.write(value, 0, value.length);
    }

    /** A prefixed integer (RFC 7541 §5.1): {@code bits} above a {@code prefix}-bit value. */
    static void writeInteger(java.io.ByteArrayOutputStream out, int bits, int prefix, int value) {
        int max = (1 << prefix) - 1;
        if (value < max) {
            out.write(bits | value);
            return;
        }
        out.write(bits | max);
        value -= max;
        while (value >= 0x80) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
