package io.shockwave.http3.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.Status;
import tech.kwik.qpack.Decoder;
import tech.kwik.qpack.Encoder;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
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

    private FieldSection() {
    }

    /** Decodes a field section; the decoded size counts as RFC 9114 §4.2.2 does (name + value + 32 each). */
    static List<Map.Entry<String, String>> decode(byte[] block, int length, int maxSize) throws Http3Exception,
            HttpException {
        // Required Insert Count and Base: both 0 without a dynamic table (RFC 9204 §4.5.1).
        if (length < 2 || block[0] != 0 || (block[1] & 0x7F) != 0) {
            throw new Http3Exception(Frames.QPACK_DECOMPRESSION_FAILED, "a field section that needs the dynamic table");
        }
        List<Map.Entry<String, String>> fields;
        try {
            fields = Decoder.newBuilder().build().decodeStream(new ByteArrayInputStream(block, 0, length));
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
            headers.add(name, value);
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
            try {
                request.contentLength = Long.parseLong(length);
            } catch (NumberFormatException e) {
                throw malformed("content-length is not a number");
            }
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

    /** Encodes a response's (or trailers') field section: {@code :status} first when {@code status} > 0. */
    static byte[] encode(int status, Headers headers) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(headers.size() + 1);
        if (status > 0) {
            fields.add(Map.entry(":status", Integer.toString(status)));
        }
        for (int i = 0; i < headers.size(); i++) {
            fields.add(Map.entry(headers.name(i).toLowerCase(java.util.Locale.ROOT), headers.value(i)));
        }
        java.nio.ByteBuffer b = Encoder.newBuilder().build().compressHeaders(fields);
        byte[] out = new byte[b.limit()]; // the encoder leaves its position at the end
        b.get(0, out);
        return out;
    }
}
