package io.shockwave.http2.internal;

import io.shockwave.http2.hpack.HpackDecoder;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.Status;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Receives a decoded request header block (or trailer block) and checks it as RFC 9113
 * §8.2 and §8.3 demand, filling the stream's {@link Http2Request}. A malformed block
 * makes a stream error of type PROTOCOL_ERROR (§8.1.1); a block over the size or count
 * limit is still decoded to its end (the HPACK table must stay in step) but stored no
 * further, and is answered 431. One instance per connection, used by its reader.
 */
final class RequestHeaders implements HpackDecoder.Sink {
    private static final int METHOD = 1;
    private static final int SCHEME = 2;
    private static final int AUTHORITY = 4;
    private static final int PATH = 8;
    private static final byte[] COOKIE = "cookie".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "host".getBytes(StandardCharsets.US_ASCII);
    /** §8.2.2: connection-specific fields, which HTTP/2 does not carry. */
    private static final byte[][] CONNECTION_SPECIFIC = {
            "connection".getBytes(StandardCharsets.US_ASCII), "proxy-connection".getBytes(StandardCharsets.US_ASCII),
            "keep-alive".getBytes(StandardCharsets.US_ASCII), "transfer-encoding".getBytes(StandardCharsets.US_ASCII),
            "upgrade".getBytes(StandardCharsets.US_ASCII),
    };
    private static final byte[] TE = "te".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRAILERS = "trailers".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);

    private final int maxBytes;
    private final int maxTrailerBytes;
    private final int maxCount;

    private Http2Request request;
    private Headers target;
    private boolean trailers;
    private int pseudo;
    private boolean regularSeen;
    private int size;
    private int count;
    private int cookies;
    private String malformed;
    private boolean tooLarge;
    private int targetLength;
    private static final byte[] NO_BYTES = new byte[0];
    private byte[] authority = new byte[32];
    private int authorityLength;

    RequestHeaders(int maxBytes, int maxTrailerBytes, int maxCount) {
        this.maxBytes = maxBytes;
        this.maxTrailerBytes = maxTrailerBytes;
        this.maxCount = maxCount;
    }

    /** Starts a request's header block ({@code trailers} false) or its trailer block. */
    void begin(Http2Request request, boolean trailers) {
        this.request = request;
        this.trailers = trailers;
        this.target = trailers ? request.trailersForWriting() : request.headers;
        this.pseudo = 0;
        this.regularSeen = false;
        this.size = 0;
        this.count = 0;
        this.cookies = 0;
        this.malformed = null;
        this.tooLarge = false;
        this.targetLength = -1;
        this.authorityLength = -1;
        if (!trailers) {
            request.reset();
        }
    }

    /** The connection is idle: the copy of the last :authority goes. */
    void releaseScratch() {
        authority = NO_BYTES;
    }

    /** Lets go of the request it filled: the stream object must not outlive its stream through this. */
    void release() {
        request = null;
        target = null;
    }

    /** Why the block is malformed, or {@code null}. */
    String malformed() {
        return malformed;
    }

    /** The status to answer instead of running the handler (431, 501), or null. */
    Status refusal() {
        if (tooLarge && malformed == null) {
            return Status.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return !trailers && request.method == null ? Status.NOT_IMPLEMENTED : null;
    }

    private void malformed(String why) {
        if (malformed == null) {
            malformed = why;
        }
    }

    @Override
    public void field(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen, int staticIndex) {
        if (malformed != null) {
            return;
        }
        if (tooLarge) {
            return; // decoded to the end for HPACK's sake, and not looked at (an HPACK bomb costs no more)
        }
        size += nameLen + valueLen + 32;
        if (size > (trailers ? maxTrailerBytes : maxBytes) || ++count > maxCount) {
            tooLarge = true;
            return;
        }
        if (!validValue(value, valueOff, valueLen)) {
            malformed("invalid field value");
            return;
        }
        if (nameLen > 0 && name[nameOff] == ':') {
            pseudo(name, nameOff, nameLen, value, valueOff, valueLen);
            return;
        }
        regularSeen = true;
        if (!validName(name, nameOff, nameLen)) {
            malformed("invalid field name");
            return;
        }
        if (isConnectionSpecific(name, nameOff, nameLen, value, valueOff, valueLen)) {
            malformed("connection-specific field");
            return;
        }
        if (equals(name, nameOff, nameLen, CONTENT_LENGTH) && !trailers) {
            long length = parseLength(value, valueOff, valueLen);
            if (length < 0 || (request.contentLength >= 0 && request.contentLength != length)) {
                malformed("invalid content-length");
                return;
            }
            request.contentLength = length;
        }
        if (!trailers && equals(name, nameOff, nameLen, COOKIE)) {
            cookies++;
        }
        if (!tooLarge) {
            target.addRaw(name, nameOff, nameLen, value, valueOff, valueLen);
        }
    }

    private void pseudo(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen) {
        if (trailers || regularSeen) {
            malformed(trailers ? "pseudo-header in trailers" : "pseudo-header after a regular field");
            return;
        }
        int bit = switch (nameLen) {
            case 5 -> equals(name, nameOff, nameLen, ":path") ? PATH : 0;
            case 7 -> equals(name, nameOff, nameLen, ":method") ? METHOD
                    : equals(name, nameOff, nameLen, ":scheme") ? SCHEME : 0;
            case 10 -> equals(name, nameOff, nameLen, ":authority") ? AUTHORITY : 0;
            default -> 0;
        };
        if (bit == 0) {
            malformed("unknown pseudo-header");
            return;
        }
        if ((pseudo & bit) != 0) {
            malformed("repeated pseudo-header");
            return;
        }
        pseudo |= bit;
        switch (bit) {
            case METHOD -> {
                request.method = Method.parse(value, valueOff, valueLen);
                if (valueLen == 0) {
                    malformed("empty :method");
                }
            }
            case PATH -> {
                if (valueLen == 0) {
                    malformed("empty :path");
                    return;
                }
                if (request.target.length < valueLen) {
                    request.target = new byte[Math.max(valueLen, request.target.length * 2)];
                }
                System.arraycopy(value, valueOff, request.target, 0, valueLen);
                targetLength = valueLen;
            }
            case AUTHORITY -> {
                if (authority.length < valueLen) {
                    authority = new byte[Math.max(Math.max(valueLen, 32), authority.length * 2)];
                }
                System.arraycopy(value, valueOff, authority, 0, valueLen);
                authorityLength = valueLen;
            }
            default -> {
            }
        }
    }

    /**
     * Ends the block: checks the pseudo-headers' set (§8.3.1), turns {@code :authority} into
     * {@code Host} and joins cookie crumbs (§8.2.3). Returns whether the request may be served.
     */
    boolean end() {
        if (malformed != null || trailers) {
            return malformed == null;
        }
        if (tooLarge) {
            // Answered 431 without a handler; the error handler may still read the path.
            if (targetLength < 0) {
                request.target[0] = '/';
                targetLength = 1;
            }
            request.target(targetLength);
            return true;
        }
        if (request.method == Method.CONNECT) {
            // §8.5: CONNECT has only :method and :authority. Not supported, but well-formed: 501.
            if (pseudo != (METHOD | AUTHORITY)) {
                malformed("malformed CONNECT");
                return false;
            }
            request.method = null;
            request.target[0] = '/';
            request.target(1);
            return true;
        }
        if ((pseudo & (METHOD | SCHEME | PATH)) != (METHOD | SCHEME | PATH)) {
            malformed("missing pseudo-header");
            return false;
        }
        byte first = request.target[0];
        if (first != '/' && !(targetLength == 1 && first == '*' && request.method == Method.OPTIONS)) {
            malformed("invalid :path");
            return false;
        }
        request.target(targetLength);
        Headers h = request.headers;
        if (authorityLength >= 0) {
            int host = h.indexOf(HeaderName.HOST);
            if (host < 0) {
                h.addRaw(HOST, 0, HOST.length, authority, 0, authorityLength);
            } else if (!Arrays.equals(h.rawData(), h.valueOffset(host), h.valueOffset(host) + h.valueLength(host),
                    authority, 0, authorityLength)) {
                malformed("Host differs from :authority"); // §8.3.1
                return false;
            }
        }
        if (cookies > 1) {
            String joined = String.join("; ", h.getAll(HeaderName.COOKIE));
            h.set(HeaderName.COOKIE, joined);
        }
        return true;
    }

    private static boolean validName(byte[] b, int off, int len) {
        if (len == 0) {
            return false;
        }
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xFF;
            if (c <= 0x20 || (c >= 'A' && c <= 'Z') || c >= 0x7F || c == ':') {
                return false;
            }
        }
        return true;
    }

    /** §8.2.1: no NUL, CR or LF, and no whitespace at either end. */
    private static boolean validValue(byte[] b, int off, int len) {
        if (len > 0) {
            int first = b[off];
            int last = b[off + len - 1];
            if (first == ' ' || first == '\t' || last == ' ' || last == '\t') {
                return false;
            }
        }
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean isConnectionSpecific(byte[] name, int off, int len, byte[] value, int valueOff, int valueLen) {
        if (equals(name, off, len, TE)) {
            return !Arrays.equals(value, valueOff, valueOff + valueLen, TRAILERS, 0, TRAILERS.length);
        }
        for (byte[] c : CONNECTION_SPECIFIC) {
            if (equals(name, off, len, c)) {
                return true;
            }
        }
        return false;
    }

    private static long parseLength(byte[] b, int off, int len) {
        if (len == 0 || len > 18) {
            return -1;
        }
        long v = 0;
        for (int i = off; i < off + len; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static boolean equals(byte[] b, int off, int len, byte[] expected) {
        return len == expected.length && Arrays.equals(b, off, off + len, expected, 0, len);
    }

    private static boolean equals(byte[] b, int off, int len, String expected) {
        if (len != expected.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
