package io.shockwave.http1.internal;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The request head parser (RFC 9112 §2-§7), byte-exact and table-driven: each row is an
 * input and either what the parser must make of it or the status and message it must
 * refuse it with.
 */
class RequestParserTest {
    private static final Limits SMALL = Limits.DEFAULT
            .withMaxRequestLineLength(32)
            .withMaxHeaderBytes(64)
            .withMaxHeaderCount(3);

    /** One row of the table. Expectations not set hold the defaults of a plain HTTP/1.1 GET. */
    static final class Row {
        final String name;
        final byte[] input;
        Limits limits = Limits.DEFAULT;
        Method method = Method.GET;
        String rawPath = "/";
        String path;
        String query;
        int minor = 1;
        Boolean keepAlive;
        long contentLength = -1;
        boolean chunked;
        boolean expectContinue;
        boolean upgrade;
        String[] headers;
        int status;
        String message;

        Row(String name, String input) {
            this.name = name;
            this.input = input.getBytes(StandardCharsets.ISO_8859_1);
        }

        Row method(Method m) {
            method = m;
            return this;
        }

        Row target(String rawPath, String query) {
            this.rawPath = rawPath;
            this.query = query;
            return this;
        }

        Row path(String decoded) {
            path = decoded;
            return this;
        }

        Row http10() {
            minor = 0;
            return this;
        }

        Row keepAlive(boolean k) {
            keepAlive = k;
            return this;
        }

        Row contentLength(long n) {
            contentLength = n;
            return this;
        }

        Row chunked() {
            chunked = true;
            return this;
        }

        Row expectContinue() {
            expectContinue = true;
            return this;
        }

        Row upgrade() {
            upgrade = true;
            return this;
        }

        /** The exact header fields, in order: name, value, name, value... */
        Row headers(String... nameValues) {
            headers = nameValues;
            return this;
        }

        Row limits(Limits l) {
            limits = l;
            return this;
        }

        Row rejects(int status, String message) {
            this.status = status;
            this.message = message;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, String input) {
        return new Row(name, input);
    }

    /** A head from its lines: each gets CRLF, and an empty line ends it. */
    private static String head(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static final String BAD_LINE = "Malformed request line";
    private static final String BAD_TARGET = "Invalid character in the request target";
    private static final String BAD_CHAR = "Invalid character in a header field";
    private static final String BAD_HEADER = "Malformed header field";
    private static final String BAD_CL = "Invalid Content-Length";
    private static final String BAD_TE = "Invalid Transfer-Encoding";

    static Stream<Row> rows() {
        List<Row> rows = new ArrayList<>();

        // RFC 9112 §3: request-line = method SP request-target SP HTTP-version CRLF
        for (Method m : Method.values()) {
            rows.add(row("method " + m, head(m + " /x HTTP/1.1", "Host: a")).method(m).target("/x", null));
        }
        rows.add(row("CONNECT with authority-form", head("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"))
                .method(Method.CONNECT).target("example.com:443", null));
        for (String m : new String[] {"get", "Get", "FOO", "XELETE", "PROPFIND", "GETS"}) {
            // RFC 9110 §9.1: methods are case-sensitive; unknown ones are 501 (§15.6.2).
            rows.add(row("unknown method " + m, head(m + " / HTTP/1.1", "Host: a"))
                    .rejects(501, "Method not implemented"));
        }
        rows.add(row("leading space", head(" GET / HTTP/1.1", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("two spaces after the method", head("GET  / HTTP/1.1", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("HTAB as separator", head("GET\t/ HTTP/1.1", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("non-token method", head("G@T / HTTP/1.1", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("space after the version", head("GET / HTTP/1.1 ", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("request line ends in bare LF", "GET / HTTP/1.1\nHost: a\r\n\r\n").rejects(400, BAD_LINE));
        rows.add(row("request line ends in bare CR", "GET / HTTP/1.1\rHost: a\r\n\r\n").rejects(400, BAD_LINE));
        rows.add(row("lower-case HTTP-name", head("GET / http/1.1", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("garbage version", head("GET / HTTX/1.1", "Host: a")).rejects(400, BAD_LINE));
        rows.add(row("HTTP/2.0 in HTTP/1 syntax", head("GET / HTTP/2.0", "Host: a"))
                .rejects(505, "HTTP version not supported"));
        rows.add(row("HTTP/0.9 version", head("GET / HTTP/0.9", "Host: a"))
                .rejects(505, "HTTP version not supported"));
        // RFC 9110 §2.5: a later minor version of HTTP/1 is served as HTTP/1.1
        rows.add(row("HTTP/1.2 is served as HTTP/1.1", head("GET / HTTP/1.2", "Host: a")).keepAlive(true));
        rows.add(row("HTTP/1.9 is served as HTTP/1.1", head("GET / HTTP/1.9", "Host: a", "Connection: close"))
                .keepAlive(false));
        rows.add(row("HTTP/3.0 in HTTP/1 syntax", head("GET / HTTP/3.0", "Host: a"))
                .rejects(505, "HTTP version not supported"));
        rows.add(row("HTTP/0.9 simple request", "GET /\r\n\r\n").rejects(400, BAD_TARGET));

        // RFC 9112 §3.2: request-target forms
        rows.add(row("origin-form with query", head("GET /search?q=a+b&x=%20 HTTP/1.1", "Host: a"))
                .target("/search", "q=a+b&x=%20"));
        rows.add(row("empty query", head("GET /? HTTP/1.1", "Host: a")).target("/", ""));
        rows.add(row("second ? is part of the query", head("GET /a?b?c HTTP/1.1", "Host: a")).target("/a", "b?c"));
        rows.add(row("percent-encoded path", head("GET /a%20b/caf%C3%A9 HTTP/1.1", "Host: a"))
                .target("/a%20b/caf%C3%A9", null).path("/a b/café"));
        rows.add(row("every pchar", head("GET /a-._~!$&'()*+,;=:@%41/ HTTP/1.1", "Host: a"))
                .target("/a-._~!$&'()*+,;=:@%41/", null).path("/a-._~!$&'()*+,;=:@A/"));
        rows.add(row("absolute-form", head("GET http://example.com/a/b?x=1 HTTP/1.1", "Host: example.com"))
                .target("/a/b", "x=1"));
        rows.add(row("absolute-form with port", head("GET https://example.com:8443/p HTTP/1.1", "Host: example.com"))
                .target("/p", null));
        rows.add(row("asterisk-form", head("OPTIONS * HTTP/1.1", "Host: a")).method(Method.OPTIONS).target("*", null));
        rows.add(row("fragment in target", head("GET /a#b HTTP/1.1", "Host: a")).rejects(400, BAD_TARGET));
        rows.add(row("obs-text in target", head("GET /caf\u00e9 HTTP/1.1", "Host: a")).rejects(400, BAD_TARGET));
        rows.add(row("DEL in target", head("GET /a\u007f HTTP/1.1", "Host: a")).rejects(400, BAD_TARGET));
        rows.add(row("NUL in target", head("GET /a\u0000b HTTP/1.1", "Host: a")).rejects(400, BAD_TARGET));
        rows.add(row("HTAB in target", head("GET /a\tb HTTP/1.1", "Host: a")).rejects(400, BAD_TARGET));

        // RFC 9112 §2.2: at least one empty line before the request line is ignored.
        rows.add(row("one leading empty line", "\r\n" + head("GET / HTTP/1.1", "Host: a")));
        rows.add(row("three leading empty lines", "\r\n\r\n\r\n" + head("GET / HTTP/1.1", "Host: a")));
        rows.add(row("leading bare LF", "\n" + head("GET / HTTP/1.1", "Host: a")).rejects(400, BAD_LINE));

        // RFC 9112 §9.3: persistence by version and Connection (RFC 9110 §7.6.1)
        rows.add(row("HTTP/1.1 persists by default", head("GET / HTTP/1.1", "Host: a")).keepAlive(true));
        rows.add(row("HTTP/1.1 close", head("GET / HTTP/1.1", "Host: a", "Connection: close")).keepAlive(false));
        rows.add(row("close in any case", head("GET / HTTP/1.1", "Host: a", "Connection: ClOsE")).keepAlive(false));
        rows.add(row("close in a list", head("GET / HTTP/1.1", "Host: a", "Connection: keep-alive, close"))
                .keepAlive(false));
        rows.add(row("close in a second field", head("GET / HTTP/1.1", "Host: a", "Connection: foo", "connection: close"))
                .keepAlive(false));
        rows.add(row("closed is not close", head("GET / HTTP/1.1", "Host: a", "Connection: closed, xclose"))
                .keepAlive(true));
        rows.add(row("HTTP/1.0 closes by default", head("GET / HTTP/1.0")).http10().keepAlive(false));
        rows.add(row("HTTP/1.0 keep-alive", head("GET / HTTP/1.0", "Connection: Keep-Alive")).http10().keepAlive(true));
        rows.add(row("HTTP/1.0 keep-alive then close", head("GET / HTTP/1.0", "Connection: keep-alive, close"))
                .http10().keepAlive(false));
        rows.add(row("Connection: upgrade", head("GET / HTTP/1.1", "Host: a", "Connection: Upgrade, HTTP2-Settings",
                "Upgrade: h2c")).upgrade());

        // RFC 9112 §6.2, RFC 9110 §8.6: Content-Length
        rows.add(row("Content-Length", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5"))
                .method(Method.POST).contentLength(5));
        rows.add(row("Content-Length 0", head("POST / HTTP/1.1", "Host: a", "content-length: 0"))
                .method(Method.POST).contentLength(0));
        rows.add(row("Content-Length list of one value", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5, 5,5 ,\t5"))
                .method(Method.POST).contentLength(5));
        rows.add(row("Content-Length twice, same value", head("POST / HTTP/1.1", "Host: a", "Content-Length: 7",
                "Content-Length: 7")).method(Method.POST).contentLength(7));
        rows.add(row("Content-Length 18 digits", head("POST / HTTP/1.1", "Host: a", "Content-Length: 999999999999999999"))
                .method(Method.POST).contentLength(999_999_999_999_999_999L));
        rows.add(row("Content-Length list of differing values", head("POST / HTTP/1.1", "Host: a",
                "Content-Length: 5, 6")).rejects(400, BAD_CL));
        rows.add(row("Content-Length twice, differing", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5",
                "Content-Length: 6")).rejects(400, "Differing Content-Length values"));
        for (String v : new String[] {"", "abc", "-1", "+5", "5a", "0x5", "1 2", "5,", ",5", "5;", "1e3", "\u0665"}) {
            rows.add(row("Content-Length '" + v + "'", head("POST / HTTP/1.1", "Host: a", "Content-Length: " + v))
                    .rejects(400, BAD_CL));
        }
        rows.add(row("Content-Length 19 digits", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1000000000000000000"))
                .rejects(400, BAD_CL));
        rows.add(row("Content-Length 19 digits with leading zeros", head("POST / HTTP/1.1", "Host: a",
                "Content-Length: 0000000000000000005")).rejects(400, BAD_CL));

        // RFC 9112 §6.1, §6.3: Transfer-Encoding
        rows.add(row("chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked"))
                .method(Method.POST).chunked());
        rows.add(row("Chunked in any case", head("POST / HTTP/1.1", "Host: a", "transfer-encoding: CHUNKED"))
                .method(Method.POST).chunked());
        rows.add(row("chunked with empty list elements", head("POST / HTTP/1.1", "Host: a",
                "Transfer-Encoding: , chunked ,")).method(Method.POST).chunked());
        rows.add(row("gzip is not implemented", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip"))
                .rejects(501, "Transfer coding not implemented"));
        rows.add(row("gzip, chunked is not implemented", head("POST / HTTP/1.1", "Host: a",
                "Transfer-Encoding: gzip, chunked")).rejects(501, "Transfer coding not implemented"));
        rows.add(row("chunked, chunked", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, chunked"))
                .rejects(400, BAD_TE));
        rows.add(row("chunked in two fields", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked",
                "Transfer-Encoding: chunked")).rejects(400, BAD_TE));
        rows.add(row("empty Transfer-Encoding", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: "))
                .rejects(400, BAD_TE));
        rows.add(row("non-token coding", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: ch@nked"))
                .rejects(400, BAD_TE));
        rows.add(row("chunked and Content-Length", head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked",
                "Content-Length: 5")).rejects(400, "Both Content-Length and Transfer-Encoding"));
        rows.add(row("Content-Length and chunked", head("POST / HTTP/1.1", "Host: a", "Content-Length: 5",
                "Transfer-Encoding: chunked")).rejects(400, "Both Content-Length and Transfer-Encoding"));
        rows.add(row("chunked in HTTP/1.0", head("POST / HTTP/1.0", "Transfer-Encoding: chunked"))
                .rejects(400, "Transfer-Encoding in an HTTP/1.0 request"));

        // RFC 9112 §3.2: Host
        rows.add(row("missing Host", head("GET / HTTP/1.1")).rejects(400, "Missing Host header"));
        rows.add(row("two Host fields", head("GET / HTTP/1.1", "Host: a", "Host: b"))
                .rejects(400, "More than one Host header"));
        rows.add(row("two Host fields in HTTP/1.0", head("GET / HTTP/1.0", "Host: a", "host: a"))
                .rejects(400, "More than one Host header"));
        rows.add(row("Host in any case", head("GET / HTTP/1.1", "hOST: a")).headers("hOST", "a"));
        rows.add(row("empty Host", head("GET / HTTP/1.1", "Host:")).headers("Host", ""));
        rows.add(row("HTTP/1.0 needs no Host", head("GET / HTTP/1.0")).http10().keepAlive(false).headers());
        // RFC 9110 §7.2, RFC 3986 §3.2.2: Host = uri-host [ ":" port ]
        for (String host : new String[] {"example.com", "example.com:8080", "127.0.0.1:1", "[::1]", "[::1]:443",
                "[v1.fe80::a+en1]", "a-b_c~d.e", "x%2Dy", "!$&'()*+,;=", "h:"}) {
            rows.add(row("valid Host '" + host + "'", head("GET / HTTP/1.1", "Host: " + host)).headers("Host", host));
        }
        for (String host : new String[] {"a b@c", "user@example.com", "a b", "a:b", "a:80:81", "a:-1", "[::1",
                "[]", "[::1]x", "::1", "a/b", "a?b", "a#b", "%zz", "a%2", "caf\u00e9", "a\"b", "a<b>", "a\tb"}) {
            rows.add(row("invalid Host '" + host + "'", head("GET / HTTP/1.1", "Host: " + host))
                    .rejects(400, "Invalid Host header"));
        }

        // RFC 9110 §10.1.1: Expect
        rows.add(row("Expect: 100-continue", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1",
                "Expect: 100-continue")).method(Method.POST).contentLength(1).expectContinue());
        rows.add(row("Expect: 100-Continue", head("POST / HTTP/1.1", "Host: a", "Content-Length: 1",
                "Expect: 100-Continue")).method(Method.POST).contentLength(1).expectContinue());
        rows.add(row("other expectation", head("GET / HTTP/1.1", "Host: a", "Expect: something"))
                .rejects(417, "Unsupported expectation"));
        rows.add(row("100-continue with another expectation", head("GET / HTTP/1.1", "Host: a",
                "Expect: 100-continue, something")).rejects(417, "Unsupported expectation"));

        // RFC 9112 §5: field-line = field-name ":" OWS field-value OWS
        rows.add(row("fields in order, case kept", head("GET / HTTP/1.1", "Host: a", "X-A: 1", "x-a: 2", "Y:3"))
                .headers("Host", "a", "X-A", "1", "x-a", "2", "Y", "3"));
        rows.add(row("OWS trimmed", head("GET / HTTP/1.1", "Host: a", "X:   a b  \t", "Y:\tc\t", "Z:", "W:    "))
                .headers("Host", "a", "X", "a b", "Y", "c", "Z", "", "W", ""));
        rows.add(row("HTAB inside a value", head("GET / HTTP/1.1", "Host: a", "X: a\tb")).headers("Host", "a", "X", "a\tb"));
        rows.add(row("obs-text in a value", head("GET / HTTP/1.1", "Host: a", "X: caf\u00e9 \u0080\u00ff"))
                .headers("Host", "a", "X", "caf\u00e9 \u0080\u00ff"));
        rows.add(row("space before colon", head("GET / HTTP/1.1", "Host : a"))
                .rejects(400, "Whitespace between header field name and colon"));
        rows.add(row("HTAB before colon", head("GET / HTTP/1.1", "Host: a", "X\t: b"))
                .rejects(400, "Whitespace between header field name and colon"));
        rows.add(row("obs-fold with SP", head("GET / HTTP/1.1", "Host: a", "X: a", " b"))
                .rejects(400, "Obsolete line folding"));
        rows.add(row("obs-fold with HTAB", head("GET / HTTP/1.1", "Host: a", "X: a", "\tb"))
                .rejects(400, "Obsolete line folding"));
        rows.add(row("whitespace before the first field", head("GET / HTTP/1.1", " Host: a"))
                .rejects(400, "Obsolete line folding"));
        rows.add(row("bare CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n")
                .rejects(400, "Bare CR in the request head"));
        rows.add(row("bare CR ending a field", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n")
                .rejects(400, "Bare CR in the request head"));
        rows.add(row("bare CR instead of the empty line", "GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n")
                .rejects(400, "Bare CR in the request head"));
        rows.add(row("bare LF in a value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n").rejects(400, BAD_CHAR));
        rows.add(row("LF-only line ends", "GET / HTTP/1.1\r\nHost: a\n\n").rejects(400, BAD_CHAR));
        for (char c : new char[] {0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F}) {
            rows.add(row(String.format("control 0x%02X in a value", (int) c),
                    head("GET / HTTP/1.1", "Host: a", "X: a" + c + "b")).rejects(400, BAD_CHAR));
        }
        rows.add(row("NUL in a long value", head("GET / HTTP/1.1", "Host: a", "X: 0123456789abcdef\u0000ghijklmnop"))
                .rejects(400, BAD_CHAR));
        rows.add(row("non-token name", head("GET / HTTP/1.1", "Host: a", "X@Y: a")).rejects(400, BAD_HEADER));
        rows.add(row("empty name", head("GET / HTTP/1.1", "Host: a", ": a")).rejects(400, BAD_HEADER));
        rows.add(row("obs-text in a name", head("GET / HTTP/1.1", "Host: a", "X\u00e9: a")).rejects(400, BAD_HEADER));
        rows.add(row("line without colon", head("GET / HTTP/1.1", "Host: a", "NoColon")).rejects(400, BAD_HEADER));

        // Limits: 414 for the target (RFC 9110 §15.5.15), 431 for the fields (RFC 6585 §5)
        rows.add(row("target over the limit", head("GET /" + "a".repeat(40) + " HTTP/1.1", "Host: a"))
                .limits(SMALL).rejects(414, "Request target too long"));
        rows.add(row("unfinished target over the limit", "GET /" + "a".repeat(40))
                .limits(SMALL).rejects(414, "Request target too long"));
        rows.add(row("target within the limit", head("GET /" + "a".repeat(19) + " HTTP/1.1", "Host: a"))
                .limits(SMALL).target("/" + "a".repeat(19), null));
        rows.add(row("unfinished method over the limit", "A".repeat(40)).limits(SMALL).rejects(400, BAD_LINE));
        rows.add(row("header section over the limit", head("GET / HTTP/1.1", "Host: a", "X: " + "v".repeat(60)))
                .limits(SMALL).rejects(431, "Header section too large"));
        rows.add(row("unfinished header section over the limit", "GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(60))
                .limits(SMALL).rejects(431, "Header section too large"));
        rows.add(row("many small fields over the limit", head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2"))
                .limits(Limits.DEFAULT.withMaxHeaderBytes(20)).rejects(431, "Header section too large"));
        rows.add(row("header section within the limit", head("GET / HTTP/1.1", "Host: a", "X: " + "v".repeat(40)))
                .limits(SMALL).headers("Host", "a", "X", "v".repeat(40)));
        rows.add(row("fields at the count limit", head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2"))
                .limits(SMALL).headers("Host", "a", "A", "1", "B", "2"));
        rows.add(row("fields over the count limit", head("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2", "C: 3"))
                .limits(SMALL).rejects(431, "Too many header fields"));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void parsesOrRejects(Row row) throws BadRequest {
        // The input sits inside a larger array: the parser must honour start and end.
        byte[] buf = new byte[row.input.length + 10];
        Arrays.fill(buf, (byte) 'Z');
        System.arraycopy(row.input, 0, buf, 5, row.input.length);
        RequestParser parser = new RequestParser(row.limits);
        Http1Request req = new Http1Request(null);

        if (row.status != 0) {
            BadRequest e = assertThrows(BadRequest.class, () -> parser.parse(buf, 5, 5 + row.input.length, req));
            assertEquals(row.status, e.status().code(), e.getMessage());
            assertEquals(row.message, e.getMessage());
            return;
        }
        int end = parser.parse(buf, 5, 5 + row.input.length, req);
        assertEquals(5 + row.input.length, end, "offset past the head");
        assertEquals(row.method, req.method());
        assertEquals(row.rawPath, req.rawPath());
        assertEquals(row.path != null ? row.path : row.rawPath, req.path());
        assertEquals(row.query, req.rawQuery());
        assertEquals(row.minor, req.minorVersion());
        assertEquals(row.minor == 1 ? "HTTP/1.1" : "HTTP/1.0", req.protocol());
        assertEquals(row.keepAlive != null ? row.keepAlive : row.minor == 1, req.keepAlive(), "keep-alive");
        assertEquals(row.chunked, req.isChunked(), "chunked");
        assertEquals(row.chunked ? -1 : row.contentLength, req.declaredContentLength(), "declared length");
        assertEquals(row.chunked ? -1 : Math.max(0, row.contentLength), req.contentLength(), "content length");
        assertEquals(row.expectContinue, req.expectsContinue(), "100-continue");
        assertEquals(row.upgrade, req.wantsUpgrade(), "upgrade");
        if (row.headers != null) {
            assertEquals(row.headers.length / 2, req.headers().size(), req.headers().toString());
            for (int i = 0; i < row.headers.length / 2; i++) {
                assertEquals(row.headers[2 * i], req.headers().name(i));
                assertEquals(row.headers[2 * i + 1], req.headers().value(i));
            }
        }
    }

    // ---- incremental input: a head that is not complete yet is never an error ----

    static Stream<String> validRequests() {
        return Stream.of(
                head("GET / HTTP/1.1", "Host: a"),
                head("GET / HTTP/1.0"),
                head("POST /submit/form?x=1&y=%20 HTTP/1.1", "Host: www.example.com:8080",
                        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
                        "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
                        "Content-Length: 42", "Accept:\t*/*\t", "X-Empty:", "X-Tab: a\tb", "Connection: keep-alive",
                        "Expect: 100-continue", "X-Obs: caf\u00e9\u00ff"),
                head("PUT http://example.com/upload HTTP/1.1", "Host: example.com", "Transfer-Encoding: chunked"),
                head("OPTIONS * HTTP/1.1", "Host: a", "X: 01234567", "Y: 012345678", "Z: 0123456789abcdef"));
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void needsMoreForEveryPrefixOfAValidRequest(String request) throws BadRequest {
        // RFC 9112 §2.1: a recipient reads until the empty line; any earlier cut is incomplete.
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        Http1Request req = new Http1Request(null);
        for (int cut = 0; cut < bytes.length; cut++) {
            try {
                // The rest of the request lies past `end`: the parser must not look at it.
                assertEquals(RequestParser.NEED_MORE, parser.parse(bytes, 0, cut, req), "prefix of " + cut + " bytes");
            } catch (BadRequest e) {
                fail("prefix of " + cut + " bytes: " + e.getMessage());
            }
        }
        assertEquals(bytes.length, parser.parse(bytes, 0, bytes.length, req));
        assertNotNull(req.method());
    }

    @Test
    void needsMoreForEveryPrefixOfARequestAfterAnEmptyLine() throws BadRequest {
        // RFC 9112 §2.2: the empty line before a request may arrive split like any other bytes.
        needsMoreForEveryPrefixOfAValidRequest("\r\n" + head("GET / HTTP/1.1", "Host: a"));
    }

    @Test
    void needsMoreForEveryPrefixOfARequestLineAtTheLimit() throws BadRequest {
        byte[] bytes = head("GET /" + "a".repeat(31) + " HTTP/1.1", "Host: a").getBytes(StandardCharsets.US_ASCII);
        RequestParser parser = new RequestParser(SMALL);
        Http1Request req = new Http1Request(null);
        assertEquals(bytes.length, parser.parse(bytes, 0, bytes.length, req), "accepted when whole");
        for (int cut = 0; cut < bytes.length; cut++) {
            assertEquals(RequestParser.NEED_MORE, parser.parse(bytes, 0, cut, req), "prefix of " + cut + " bytes");
        }
    }

    @Test
    void needsMoreForEveryPrefixOfAHeaderSectionAtTheLimit() throws BadRequest {
        String fields = "Host: a\r\nX: " + "v".repeat(64 - 9 - 5) + "\r\n"; // exactly 64 bytes of field lines
        assertEquals(64, fields.length());
        byte[] bytes = ("GET / HTTP/1.1\r\n" + fields + "\r\n").getBytes(StandardCharsets.US_ASCII);
        RequestParser parser = new RequestParser(SMALL);
        Http1Request req = new Http1Request(null);
        assertEquals(bytes.length, parser.parse(bytes, 0, bytes.length, req), "accepted when whole");
        for (int cut = 0; cut < bytes.length; cut++) {
            assertEquals(RequestParser.NEED_MORE, parser.parse(bytes, 0, cut, req), "prefix of " + cut + " bytes");
        }
    }

    @Test
    void emptyInputNeedsMore() throws BadRequest {
        assertEquals(RequestParser.NEED_MORE, new RequestParser(Limits.DEFAULT).parse(new byte[8], 3, 3, new Http1Request(null)));
    }

    @Test
    void rejectsChunkedThatIsNotTheFinalCoding() {
        // RFC 9112 §6.3: chunked not final in a request: the server MUST respond 400 and close.
        for (String te : new String[] {"chunked, gzip", "chunked\r\nTransfer-Encoding: gzip", "chunked, x@y"}) {
            byte[] bytes = head("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: " + te)
                    .getBytes(StandardCharsets.US_ASCII);
            BadRequest e = assertThrows(BadRequest.class,
                    () -> new RequestParser(Limits.DEFAULT).parse(bytes, 0, bytes.length, new Http1Request(null)));
            assertEquals(400, e.status().code(), te);
            assertEquals("Invalid Transfer-Encoding", e.getMessage(), te);
        }
    }

    @Test
    void absoluteFormWithAnEmptyPathIsTheRoot() throws BadRequest {
        // RFC 9110 §4.2.3: an empty path with an authority is equivalent to "/".
        byte[] bytes = head("GET http://example.com HTTP/1.1", "Host: example.com").getBytes(StandardCharsets.US_ASCII);
        Http1Request req = new Http1Request(null);
        new RequestParser(Limits.DEFAULT).parse(bytes, 0, bytes.length, req);
        assertEquals("/", req.path());
    }

    @Test
    void parsesPipelinedRequestsOneAtATime() throws BadRequest {
        String first = head("POST /a HTTP/1.1", "Host: a", "Content-Length: 3");
        String second = head("GET /b?x HTTP/1.1", "Host: b");
        byte[] bytes = (first + "abc" + second).getBytes(StandardCharsets.US_ASCII);
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        Http1Request req = new Http1Request(null);
        int end = parser.parse(bytes, 0, bytes.length, req);
        assertEquals(first.length(), end);
        assertEquals("/a", req.path());
        assertEquals(3, req.contentLength());
        int next = parser.parse(bytes, end + 3, bytes.length, req);
        assertEquals(bytes.length, next);
        assertEquals(Method.GET, req.method());
        assertEquals("/b", req.path());
        assertEquals("x", req.rawQuery());
        assertEquals(-1, req.declaredContentLength());
        assertEquals(1, req.headers().size());
        assertEquals("b", req.headers().get("host"));
    }

    @Test
    void reusedRequestHoldsOnlyTheNewFields() throws BadRequest {
        RequestParser parser = new RequestParser(Limits.DEFAULT);
        Http1Request req = new Http1Request(null);
        byte[] a = head("GET /a HTTP/1.1", "Host: a", "X-One: 1", "Connection: close", "Expect: 100-continue")
                .getBytes(StandardCharsets.US_ASCII);
        parser.parse(a, 0, a.length, req);
        byte[] b = head("GET /b HTTP/1.1", "Host: b").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(a, (byte) 0); // the first request's buffer is reused by the connection
        parser.parse(b, 0, b.length, req);
        assertEquals(1, req.headers().size());
        assertNull(req.headers().get("X-One"));
        assertEquals("/b", req.path());
        assertEquals(true, req.keepAlive());
        assertEquals(false, req.expectsContinue());
    }

    @Test
    void acceptsManyFieldsBeyondTheInitialTable() throws BadRequest {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 99; i++) {
            sb.append("X-").append(i).append(": ").append(i).append("\r\n");
        }
        byte[] bytes = sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        Http1Request req = new Http1Request(null);
        new RequestParser(Limits.DEFAULT).parse(bytes, 0, bytes.length, req);
        assertEquals(100, req.headers().size());
        assertEquals("98", req.headers().get("x-98"));
    }

    // ---- scanValue: eight bytes at a time, exact at every position of a word ----

    private static byte[] value(int length, int at, int b) {
        byte[] v = new byte[length];
        Arrays.fill(v, (byte) 'a');
        v[at] = (byte) b;
        return v;
    }

    @Test
    void scanValueFindsTheCrAtEveryPosition() throws BadRequest {
        for (int start = 0; start < 8; start++) {
            for (int at = 0; at < 16; at++) {
                byte[] v = value(start + 20, start + at, '\r');
                assertEquals(start + at, RequestParser.scanValue(v, start, v.length), "start " + start + " at " + at);
            }
        }
    }

    @Test
    void scanValueSkipsHtabAtEveryPosition() throws BadRequest {
        for (int at = 0; at < 16; at++) {
            byte[] v = value(20, at, '\t');
            v[17] = '\r';
            assertEquals(17, RequestParser.scanValue(v, 0, v.length), "HTAB at " + at);
            v[at + 1] = ' '; // a space after the HTAB: the word's borrow must not hide or fake a hit
            assertEquals(17, RequestParser.scanValue(v, 0, v.length), "HTAB SP at " + at);
        }
    }

    @Test
    void scanValueRejectsAControlByteAtEveryPosition() {
        for (int bad : new int[] {0x00, 0x01, 0x0A, 0x1F, 0x7F}) {
            for (int at = 0; at < 16; at++) {
                byte[] v = value(20, at, bad);
                v[18] = '\r';
                assertThrows(BadRequest.class, () -> RequestParser.scanValue(v, 0, v.length),
                        String.format("0x%02X at %d", bad, at));
            }
        }
    }

    @Test
    void scanValueAcceptsEveryVisibleByteAtEveryPosition() throws BadRequest {
        for (int b = 0x20; b < 0x100; b++) {
            if (b == 0x7F) {
                continue;
            }
            for (int at = 0; at < 16; at++) {
                byte[] v = value(20, at, b);
                v[19] = '\r';
                assertEquals(19, RequestParser.scanValue(v, 0, v.length), String.format("0x%02X at %d", b, at));
            }
        }
    }

    @Test
    void scanValueStopsAtTheFirstCrEvenWithABadByteAfterIt() throws BadRequest {
        for (int at = 0; at < 15; at++) {
            byte[] v = value(20, at, '\r');
            v[at + 1] = 0;
            assertEquals(at, RequestParser.scanValue(v, 0, v.length), "CR at " + at);
        }
    }

    @Test
    void scanValueNeedsMoreWithoutACr() throws BadRequest {
        for (int len = 0; len < 20; len++) {
            byte[] v = value(24, 0, 'a');
            v[len] = '\r'; // beyond the end: must not be seen
            assertEquals(-1, RequestParser.scanValue(v, 0, len), "length " + len);
        }
    }

    @Test
    void scanValueAgreesWithAByteAtATimeScan() {
        // Random values dense in the bytes around the word tricks' edges (0x1F/0x20, 0x7E-0x80, 0xFF).
        int[] alphabet = {'a', ' ', '\t', '\r', 0x00, 0x1F, 0x20, 0x21, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xFF, 0x0A, 0x01};
        Random random = new Random(9112);
        for (int iteration = 0; iteration < 50_000; iteration++) {
            int length = random.nextInt(40);
            byte[] v = new byte[length + 8];
            for (int i = 0; i < v.length; i++) {
                int r = random.nextInt(100);
                v[i] = (byte) (r < 85 ? 'a' + r % 26 : alphabet[r % alphabet.length]);
            }
            int start = length == 0 ? 0 : random.nextInt(Math.min(length, 8) + 1);
            int expected = reference(v, start, length);
            int actual;
            try {
                actual = RequestParser.scanValue(v, start, length);
            } catch (BadRequest e) {
                actual = -2;
            }
            assertEquals(expected, actual, () -> "value " + Arrays.toString(v) + " from " + start + " to " + length);
        }
    }

    /** The first CR's offset, -2 for a forbidden byte before it, -1 for neither. */
    private static int reference(byte[] v, int start, int end) {
        for (int i = start; i < end; i++) {
            int c = v[i] & 0xFF;
            if (c == '\r') {
                return i;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return -2;
            }
        }
        return -1;
    }
}
