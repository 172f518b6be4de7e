package io.shockwave.http1.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.Ascii;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Parses a request head (RFC 9112 §2-§7) straight from the connection's read buffer.
 * It is strict where leniency enables request smuggling (RFC 9112 §11.2): bare CR,
 * obs-fold, whitespace before the colon, conflicting framing headers are all rejected.
 * One instance per connection; it allocates nothing.
 */
public final class RequestParser {
    /** Returned by {@link #parse} when the head is not complete yet. */
    public static final int NEED_MORE = -1;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HTTP_1_1 = asLong("HTTP/1.1");
    private static final long HTTP_1_0 = asLong("HTTP/1.0");
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int GET_SP = 'G' | 'E' << 8 | 'T' << 16 | ' ' << 24;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final byte[] CLOSE_TOKEN = {'c', 'l', 'o', 's', 'e'};
    private static final byte[] KEEP_ALIVE_TOKEN = "keep-alive".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE_TOKEN = "upgrade".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int CLOSE = 1;
    private static final int KEEP_ALIVE = 2;
    private static final int UPGRADE = 4;
    private static final byte[] CHUNKED = "chunked".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "100-continue".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** unreserved / sub-delims (RFC 3986 §2.2, §2.3): the bytes of a reg-name besides pct-encoded ones. */
    private static final boolean[] REG_NAME = new boolean[256];
    /** The bytes of an IPv6address or IPvFuture between the brackets (RFC 3986 §3.2.2). */
    private static final boolean[] IP_LITERAL = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean unreserved = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "-._~".indexOf(c) >= 0;
            REG_NAME[c] = unreserved || "!$&'()*+,;=".indexOf(c) >= 0;
            IP_LITERAL[c] = REG_NAME[c] || c == ':';
        }
    }

    private final int maxRequestLine;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;

    // What the last parse found; fields, not locals, so the request line and the header
    // section can be parsed by separate methods that each stay small enough to compile well.
    private int scanQuery;
    private long contentLength;
    private boolean chunked;
    private int connection;
    private boolean expectContinue;

    public RequestParser(Limits limits) {
        this.maxRequestLine = limits.maxRequestLineLength();
        this.maxHeaderBytes = limits.maxHeaderBytes();
        this.maxHeaderCount = limits.maxHeaderCount();
    }

    private static long asLong(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return (long) LONG.get(b, 0);
    }

    /**
     * Parses the head in {@code buf[start, end)} into {@code req}. Returns the offset just
     * past the blank line that ends it, or {@link #NEED_MORE}.
     *
     * @throws BadRequest if the head is malformed or over a limit
     */
    public int parse(byte[] buf, int start, int end, Http1Request req) throws BadRequest {
        int p = start;
        // RFC 9112 §2.2: ignore at least one empty line before the request line.
        while (p + 1 < end && buf[p] == '\r' && buf[p + 1] == '\n') {
            p += 2;
        }
        if (p + 1 == end && buf[p] == '\r') {
            return NEED_MORE; // an empty line cut between its CR and LF
        }
        int lineStart = p;

        // method SP; GET, by far the most common, is recognised as one word
        Method method;
        if (end - p >= 4 && (int) INT.get(buf, p) == GET_SP) {
            method = Method.GET;
            p += 3;
        } else {
            while (p < end && Ascii.TCHAR[buf[p] & 0xFF]) {
                p++;
            }
            if (p == end) {
                if (end - lineStart > maxRequestLine) {
                    throw BadRequest.MALFORMED_REQUEST_LINE;
                }
                return NEED_MORE;
            }
            if (buf[p] != ' ' || p == lineStart) {
                throw BadRequest.MALFORMED_REQUEST_LINE;
            }
            method = Method.parse(buf, lineStart, p - lineStart);
        }
        p++;

        // request-target SP (RFC 9112 §3.2); '#' never appears, CTL, SP and non-ASCII are invalid
        int targetStart = p;
        int query = -1;
        p = scanTarget(buf, p, end);
        if (p >= 0 && scanQuery >= 0) {
            query = scanQuery;
        }
        if (p < 0) {
            // The limit is on the target (RFC 9112 §3), the same whether the line is whole or not.
            if (end - targetStart > maxRequestLine) {
                throw BadRequest.URI_TOO_LONG;
            }
            return NEED_MORE;
        }
        if (p - targetStart > maxRequestLine) {
            throw BadRequest.URI_TOO_LONG;
        }
        int targetEnd = p;
        if (targetEnd == targetStart) {
            throw BadRequest.MALFORMED_REQUEST_LINE;
        }
        p++;

        // HTTP-version CRLF
        if (end - p < 10) {
            return NEED_MORE;
        }
        long version = (long) LONG.get(buf, p);
        int minor;
        if (version == HTTP_1_1) {
            minor = 1;
        } else if (version == HTTP_1_0) {
            minor = 0;
        } else if (isHttpVersion(buf, p)) {
            // RFC 9110 §2.5: a later HTTP/1.x is answered as the highest 1.x we speak;
            // another major version is not ours.
            if (buf[p + 5] != '1') {
                throw BadRequest.UNSUPPORTED_VERSION;
            }
            minor = 1;
        } else {
            throw BadRequest.MALFORMED_REQUEST_LINE;
        }
        p += 8;
        if (buf[p] != '\r' || buf[p + 1] != '\n') {
            throw BadRequest.MALFORMED_REQUEST_LINE;
        }
        p += 2;
        // RFC 9112 §3.1: a method longer than any implemented is 501 too, not 414.
        if (method == null) {
            throw BadRequest.UNKNOWN_METHOD;
        }

        int headEnd = parseFields(buf, lineStart, p, end, req.headers(), minor);
        if (headEnd < 0) {
            return NEED_MORE;
        }
        req.head(buf, lineStart, headEnd, method, minor, targetStart, targetEnd, query);
        req.framing(contentLength, chunked, minor == 1 ? (connection & CLOSE) == 0
                : (connection & KEEP_ALIVE) != 0 && (connection & CLOSE) == 0,
                expectContinue, (connection & UPGRADE) != 0);
        return headEnd;
    }

    /**
     * Finds the SP that ends the request target starting at {@code p}, eight bytes at a
     * time; -1 if the buffer ends first. Leaves the first '?' in {@link #scanQuery}.
     */
    private int scanTarget(byte[] buf, int p, int end) throws BadRequest {
        scanQuery = -1;
        while (p + 8 <= end) {
            long w = (long) LONG.get(buf, p);
            long hits = (((w - 0x2121212121212121L) & ~w) | w | zeroBytes(w ^ 0x2323232323232323L)
                    | zeroBytes(w ^ 0x3F3F3F3F3F3F3F3FL) | zeroBytes(w ^ 0x7F7F7F7F7F7F7F7FL)) & HIGH_BITS;
            if (hits == 0) {
                p += 8;
                continue;
            }
            p += Long.numberOfTrailingZeros(hits) >>> 3;
            byte b = buf[p];
            if (b == ' ') {
                return p;
            }
            if (b != '?') {
                throw BadRequest.BAD_TARGET;
            }
            if (scanQuery < 0) {
                scanQuery = p;
            }
            p++;
        }
        for (; p < end; p++) {
            int b = buf[p] & 0xFF;
            if (b == ' ') {
                return p;
            }
            if (b <= 0x20 || b >= 0x7F || b == '#') {
                throw BadRequest.BAD_TARGET;
            }
            if (b == '?' && scanQuery < 0) {
                scanQuery = p;
            }
        }
        return -1;
    }

    /** Marks the high bit of every zero byte of {@code x}; exact for the lowest one. */
    private static long zeroBytes(long x) {
        return (x - 0x0101010101010101L) & ~x;
    }

    /**
     * field-line CRLF ... CRLF (RFC 9112 §5): records each field in {@code headers} as it
     * is found and notes the ones that frame the message. Returns the end of the head, or
     * -1 when the buffer ends first.
     */
    private int parseFields(byte[] buf, int lineStart, int p, int end, Headers headers, int minor)
            throws BadRequest {
        int headerStart = p;
        int count = 0;
        contentLength = -1;
        chunked = false;
        connection = 0;
        expectContinue = false;
        boolean transferEncoding = false;
        int hosts = 0;
        headers.beginBlock(lineStart);
        while (true) {
            if (p - headerStart > maxHeaderBytes) {
                throw BadRequest.HEADERS_TOO_LARGE;
            }
            if (p >= end) {
                return needMoreInHeaders(headerStart, end);
            }
            byte first = buf[p];
            if (first == '\r') {
                if (p + 1 >= end) {
                    return needMoreInHeaders(headerStart, end);
                }
                if (buf[p + 1] != '\n') {
                    throw BadRequest.BARE_CR;
                }
                p += 2;
                break;
            }
            if (first == ' ' || first == '\t') {
                throw BadRequest.OBS_FOLD;
            }
            int nameStart = p;
            int colon = scanName(buf, p, end);
            if (colon < 0) {
                return needMoreInHeaders(headerStart, end);
            }
            int nameLength = colon - nameStart;
            HeaderName known = HeaderName.known(buf, nameStart, nameLength);
            if (known == null) {
                checkToken(buf, nameStart, colon);
            }
            p = colon + 1;
            while (p < end && (buf[p] == ' ' || buf[p] == '\t')) {
                p++;
            }
            int valueStart = p;
            int cr = scanValue(buf, p, end);
            if (cr < 0 || cr + 1 >= end) {
                return needMoreInHeaders(headerStart, end);
            }
            if (buf[cr + 1] != '\n') {
                throw BadRequest.BARE_CR;
            }
            int valueEnd = cr;
            while (valueEnd > valueStart && (buf[valueEnd - 1] == ' ' || buf[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            p = cr + 2;
            if (count == maxHeaderCount) {
                throw BadRequest.TOO_MANY_HEADERS;
            }
            count++;
            int valueLength = valueEnd - valueStart;
            if (known == null) {
                headers.addBlockField(nameStart, nameLength, valueStart, valueLength, -1);
                continue;
            }
            headers.addBlockField(nameStart, nameLength, valueStart, valueLength, known.id());
            if (known == HeaderName.HOST) {
                hosts++;
                if (!isValidHost(buf, valueStart, valueLength)) {
                    throw BadRequest.BAD_HOST;
                }
            } else if (known == HeaderName.CONNECTION) {
                connection |= connectionTokens(buf, valueStart, valueLength);
            } else if (known == HeaderName.CONTENT_LENGTH) {
                long length = parseContentLength(buf, valueStart, valueLength);
                if (contentLength >= 0 && contentLength != length) {
                    throw BadRequest.CONFLICTING_CONTENT_LENGTH;
                }
                contentLength = length;
            } else if (known == HeaderName.TRANSFER_ENCODING) {
                transferEncoding = true;
                chunked = parseTransferEncoding(buf, valueStart, valueLength, chunked);
            } else if (known == HeaderName.EXPECT) {
                if (!Ascii.equalsLower(buf, valueStart, valueLength, CONTINUE)) {
                    throw BadRequest.EXPECTATION_FAILED;
                }
                expectContinue = true;
            }
        }

        if (transferEncoding) {
            if (contentLength >= 0) {
                throw BadRequest.CONTENT_LENGTH_WITH_CHUNKED;
            }
            if (minor == 0) {
                throw BadRequest.TRANSFER_ENCODING_IN_HTTP10;
            }
            if (!chunked) {
                // RFC 9112 §6.3: a request whose final coding is not chunked has no length.
                throw BadRequest.BAD_TRANSFER_ENCODING;
            }
        }
        if (hosts > 1) {
            throw BadRequest.DUPLICATE_HOST;
        }
        if (hosts == 0 && minor == 1) {
            throw BadRequest.MISSING_HOST;
        }
        return p;
    }

    /**
     * Finds the colon that ends a field name starting at {@code p}, or -1 if the buffer
     * ends first. Eight bytes at a time, stopping at a colon or at a byte that is never in
     * a name (SP, controls, non-ASCII); the name itself is checked by the caller.
     */
    private static int scanName(byte[] buf, int p, int end) throws BadRequest {
        int start = p;
        while (p + 8 <= end) {
            long w = (long) LONG.get(buf, p);
            long hits = (zeroBytes(w ^ 0x3A3A3A3A3A3A3A3AL) | ((w - 0x2121212121212121L) & ~w) | w) & HIGH_BITS;
            if (hits != 0) {
                p += Long.numberOfTrailingZeros(hits) >>> 3;
                return colonOrFail(buf, start, p);
            }
            p += 8;
        }
        for (; p < end; p++) {
            int b = buf[p] & 0xFF;
            if (b == ':' || b <= 0x20 || b >= 0x7F) {
                return colonOrFail(buf, start, p);
            }
        }
        return -1;
    }

    private static int colonOrFail(byte[] buf, int start, int stop) throws BadRequest {
        if (buf[stop] == ':' && stop > start) {
            return stop;
        }
        checkToken(buf, start, stop);
        throw stop > start && (buf[stop] == ' ' || buf[stop] == '\t')
                ? BadRequest.WHITESPACE_BEFORE_COLON : BadRequest.MALFORMED_HEADER;
    }

    private static void checkToken(byte[] buf, int from, int to) throws BadRequest {
        for (int i = from; i < to; i++) {
            if (!Ascii.TCHAR[buf[i] & 0xFF]) {
                throw BadRequest.MALFORMED_HEADER;
            }
        }
    }

    /** The connection options (RFC 9110 §7.6.1) this server acts on, read in one pass. */
    private static int connectionTokens(byte[] buf, int off, int len) {
        int found = 0;
        int end = off + len;
        for (int start = Ascii.listElementStart(buf, off, end); start < end; ) {
            int limit = Ascii.listElementLimit(buf, start, end);
            int n = Ascii.trimEnd(buf, start, limit) - start;
            if (n == 5 && Ascii.equalsLower(buf, start, n, CLOSE_TOKEN)) {
                found |= CLOSE;
            } else if (n == 10 && Ascii.equalsLower(buf, start, n, KEEP_ALIVE_TOKEN)) {
                found |= KEEP_ALIVE;
            } else if (n == 7 && Ascii.equalsLower(buf, start, n, UPGRADE_TOKEN)) {
                found |= UPGRADE;
            }
            start = Ascii.listElementStart(buf, limit, end);
        }
        return found;
    }

    private int needMoreInHeaders(int headerStart, int end) throws BadRequest {
        // The limit counts the field lines; the CR of the blank line after them may be here already.
        if (end - headerStart > maxHeaderBytes + 1) {
            throw BadRequest.HEADERS_TOO_LARGE;
        }
        return NEED_MORE;
    }


    /**
     * Host = uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2): an IP-literal in
     * brackets, or a reg-name / IPv4address of unreserved, sub-delims and pct-encoded
     * bytes; then digits after a colon. Empty is allowed (RFC 9112 §3.2). Anything else
     * (spaces, userinfo's '@', a second colon, a path) is refused: a Host that routes
     * differently in two parsers is a smuggling and cache-poisoning tool.
     */
    static boolean isValidHost(byte[] buf, int off, int len) {
        int end = off + len;
        int p = off;
        if (p < end && buf[p] == '[') {
            p++;
            while (p < end && buf[p] != ']') {
                if (!IP_LITERAL[buf[p] & 0xFF]) {
                    return false;
                }
                p++;
            }
            if (p == end || p == off + 1) {
                return false;
            }
            p++;
        } else {
            while (p < end && buf[p] != ':') {
                int b = buf[p] & 0xFF;
                if (b == '%') {
                    if (p + 2 >= end || Ascii.hexValue(buf[p + 1]) < 0 || Ascii.hexValue(buf[p + 2]) < 0) {
                        return false;
                    }
                    p += 3;
                    continue;
                }
                if (!REG_NAME[b]) {
                    return false;
                }
                p++;
            }
        }
        if (p == end) {
            return true;
        }
        if (buf[p] != ':') {
            return false;
        }
        for (p++; p < end; p++) {
            if (!isDigit(buf[p])) {
                return false;
            }
        }
        return true;
    }

    /** "HTTP/" DIGIT "." DIGIT, a well-formed version (RFC 9112 §2.3). */
    private static boolean isHttpVersion(byte[] buf, int p) {
        return buf[p] == 'H' && buf[p + 1] == 'T' && buf[p + 2] == 'T' && buf[p + 3] == 'P' && buf[p + 4] == '/'
                && isDigit(buf[p + 5]) && buf[p + 6] == '.' && isDigit(buf[p + 7]);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }


    /**
     * Finds the CR that ends a field value starting at {@code p}, or -1 if the buffer ends
     * first. Eight bytes at a time: a word is inspected byte by byte only when it holds a
     * byte below 0x20 or DEL, which is either the CR, an allowed HTAB, or an error.
     */
    static int scanValue(byte[] buf, int p, int end) throws BadRequest {
        while (p + 8 <= end) {
            long w = (long) LONG.get(buf, p);
            long control = (w - 0x2020202020202020L) & ~w & 0x8080808080808080L;
            long x = w ^ 0x7F7F7F7F7F7F7F7FL;
            long del = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            long hits = control | del;
            if (hits == 0) {
                p += 8;
                continue;
            }
            int i = p + (Long.numberOfTrailingZeros(hits) >>> 3);
            byte c = buf[i];
            if (c == '\r') {
                return i;
            }
            if (c != '\t') {
                throw BadRequest.BAD_HEADER_CHARACTER;
            }
            p = i + 1;
        }
        for (; p < end; p++) {
            int c = buf[p] & 0xFF;
            if (c == '\r') {
                return p;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw BadRequest.BAD_HEADER_CHARACTER;
            }
        }
        return -1;
    }

    /** RFC 9110 §8.6: 1*DIGIT; a list of identical values is also accepted (§8.6 allows it). */
    private static long parseContentLength(byte[] buf, int off, int len) throws BadRequest {
        long value = -1;
        int i = off;
        int end = off + len;
        while (i < end) {
            long v = 0;
            int digits = 0;
            while (i < end && isDigit(buf[i])) {
                if (++digits > 18) {
                    throw BadRequest.BAD_CONTENT_LENGTH;
                }
                v = v * 10 + (buf[i] - '0');
                i++;
            }
            if (digits == 0 || (value >= 0 && v != value)) {
                throw BadRequest.BAD_CONTENT_LENGTH;
            }
            value = v;
            while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
            if (i < end) {
                if (buf[i] != ',') {
                    throw BadRequest.BAD_CONTENT_LENGTH;
                }
                i++;
                while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
                    i++;
                }
                if (i == end) {
                    throw BadRequest.BAD_CONTENT_LENGTH;
                }
            }
        }
        if (value < 0) {
            throw BadRequest.BAD_CONTENT_LENGTH;
        }
        return value;
    }

    /**
     * Reads one Transfer-Encoding field; returns whether chunked is now the final coding.
     * Only chunked is implemented: any other coding gets 501 (RFC 9112 §6.1), and chunked
     * applied twice, or not last, is malformed.
     */
    private static boolean parseTransferEncoding(byte[] buf, int off, int len, boolean chunkedSoFar) throws BadRequest {
        boolean chunked = chunkedSoFar;
        int end = off + len;
        boolean any = false;
        for (int start = Ascii.listElementStart(buf, off, end); start < end; ) {
            int limit = Ascii.listElementLimit(buf, start, end);
            int stop = Ascii.trimEnd(buf, start, limit);
            any = true;
            if (!Ascii.equalsLower(buf, start, stop - start, CHUNKED)) {
                for (int k = start; k < stop; k++) {
                    if (!Ascii.TCHAR[buf[k] & 0xFF] && buf[k] != ';' && buf[k] != '=' && buf[k] != ' ') {
                        throw BadRequest.BAD_TRANSFER_ENCODING;
                    }
                }
                if (chunked) {
                    // RFC 9112 §6.3: chunked that is not the final coding MUST get 400, known coding or not.
                    throw BadRequest.BAD_TRANSFER_ENCODING;
                }
                throw BadRequest.UNKNOWN_TRANSFER_CODING;
            }
            if (chunked) {
                throw BadRequest.BAD_TRANSFER_ENCODING;
            }
            chunked = true;
            start = Ascii.listElementStart(buf, limit, end);
        }
        if (!any) {
            throw BadRequest.BAD_TRANSFER_ENCODING;
        }
        return chunked;
    }
}
