package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input gets its status, the connection is closed after the response
 * (once framing is in doubt nothing after it can be trusted), no handler runs, and the
 * server goes on serving new connections.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadRequestTest {
    private static final String HOST = "Host: localhost\r\n";
    private static final int MAX_TARGET = 1024;
    private static final int MAX_HEADER_BYTES = 4096;
    private static final int MAX_HEADERS = 20;
    private static final int MAX_BODY = 1024;

    private final AtomicInteger handled = new AtomicInteger();
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .limits(Limits.DEFAULT
                        .withMaxRequestLineLength(MAX_TARGET)
                        .withMaxHeaderBytes(MAX_HEADER_BYTES)
                        .withMaxHeaderCount(MAX_HEADERS)
                        .withMaxBodySize(MAX_BODY))
                .routes(r -> r
                        .get("/hello", (req, res) -> {
                            handled.incrementAndGet();
                            res.send("hello");
                        })
                        .post("/echo", (req, res) -> {
                            handled.incrementAndGet();
                            res.send(req.bodyBytes());
                        })
                        .post("/trailer", (req, res) -> {
                            handled.incrementAndGet();
                            req.body().transferTo(OutputStream.nullOutputStream());
                            res.send("trailer " + String.valueOf(req.trailers().get("X-Trailer")).length());
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    /** Sends {@code request} on a new connection; asserts the status, the close, and that the server still serves. */
    private RawResponse assertRejected(String request, int status) throws IOException {
        RawResponse res;
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(request);
            res = c.read();
            assertEquals(status, res.status(), () -> "for " + printable(request));
            assertEquals("close", res.header("Connection"), "a rejection announces the close");
            c.assertClosedByServer();
        }
        assertServesFreshConnection();
        return res;
    }

    /** Sends {@code head} in two parts, the second only once the server has read the first. */
    private void sendInTwoReads(RawClient c, String head, int cut) throws IOException {
        long before = server.stats().bytesIn();
        c.send(head.substring(0, cut));
        Await.until(() -> server.stats().bytesIn() >= before + cut, Duration.ofSeconds(5),
                () -> "the server did not read the first " + cut + " bytes");
        c.send(head.substring(cut));
    }

    private void assertServesFreshConnection() throws IOException {
        int before = handled.get();
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\n" + HOST + "\r\n");
            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("hello", res.text());
        }
        assertEquals(before + 1, handled.get());
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.length() > 200 ? b.substring(0, 200) + "..." : b.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET  /hello HTTP/1.1",
        "GET /hello  HTTP/1.1",
        "GET /hello HTTP/1.1 extra",
        " GET /hello HTTP/1.1",
        "GET /hel lo HTTP/1.1",
        "GET /hello http/1.1",
        "GET /hello HTTP/1",
        "GET /hello",
        "GET",
    })
    void rejectsMalformedRequestLine(String line) throws IOException {
        // RFC 9112 §3: request-line = method SP request-target SP HTTP-version; anything else is 400.
        assertRejected(line + "\r\n" + HOST + "\r\n", 400);
        assertEquals(1, handled.get(), "only the fresh connection's request reached a handler");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
    void rejectsUnsupportedVersionWith505(String version) throws IOException {
        // RFC 9110 §15.6.6: 505 for a major version the server does not support.
        assertRejected("GET /hello " + version + "\r\n" + HOST + "\r\n", 505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.2", "HTTP/1.9"})
    void servesALaterMinorVersionAsHttp11(String version) throws IOException {
        // RFC 9110 §2.5: answered in the highest version of the same major the server speaks.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello " + version + "\r\n" + HOST + "\r\n");
            RawResponse res = c.read();
            assertEquals("HTTP/1.1 200 OK", res.statusLine());
            assertEquals("hello", res.text());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b@c", "user@localhost", "localhost:80:80", "local host", "[::1", "localhost/x"})
    void rejectsAnInvalidHostWith400(String host) throws IOException {
        // RFC 9112 §3.2: a Host that is not a valid uri-host [ ":" port ] is 400.
        RawResponse res = assertRejected("GET /hello HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400);
        assertEquals("Invalid Host header", res.text());
    }

    @Test
    void leadingZerosOfAChunkSizeAreNotCountedAsDigits() throws IOException {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + "0000000000000000005\r\nhello\r\n0000000000000000000\r\n\r\n");
            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("hello", res.text());
        }
    }

    @Test
    void rejectsOverlongTargetWith414() throws IOException {
        // RFC 9112 §3: a server that receives a request-target longer than it wishes to parse MUST respond 414.
        assertRejected("GET /" + "a".repeat(MAX_TARGET + 100) + " HTTP/1.1\r\n" + HOST + "\r\n", 414);
    }

    @Test
    void rejectsOverlongTargetArrivingWithoutItsEndWith414() throws IOException {
        // RFC 9112 §3: the server need not wait for the end of a target that is already too long.
        RawResponse res;
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /" + "a".repeat(MAX_TARGET + 100));
            res = c.read();
            c.assertClosedByServer();
        }
        assertEquals(414, res.status());
        assertServesFreshConnection();
    }

    @Test
    void acceptsARequestLineAtTheLimitThatArrivesInPieces() throws IOException {
        // RFC 9112 §3: the limit is the server's; where TCP splits the line must not change the answer.
        String target = "/hello?" + "q".repeat(MAX_TARGET - 7);
        String head = "GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n";
        int[] cuts = {target.length() + 4, target.length() + 8, target.length() + 12, target.length() + 14};
        for (int cut : cuts) {
            try (RawClient c = RawClient.connect(server.port())) {
                sendInTwoReads(c, head, cut);
                assertEquals(200, c.read().status(), "split after " + cut + " bytes");
            }
        }
    }

    @Test
    void acceptsAHeaderSectionAtTheLimitThatArrivesInPieces() throws IOException {
        // RFC 6585 §5: the same for the header section.
        String fields = HOST + "X-Fill: ";
        fields += "f".repeat(MAX_HEADER_BYTES - fields.length() - 2) + "\r\n";
        assertEquals(MAX_HEADER_BYTES, fields.length());
        String head = "GET /hello HTTP/1.1\r\n" + fields + "\r\n";
        for (int back = 1; back <= 4; back++) {
            try (RawClient c = RawClient.connect(server.port())) {
                sendInTwoReads(c, head, head.length() - back);
                assertEquals(200, c.read().status(), "split " + back + " bytes before the end");
            }
        }
    }

    @Test
    void rejectsOversizedHeaderFieldWith431() throws IOException {
        // RFC 6585 §5: 431 when the header section, or one field in it, is too large.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X-Big: " + "b".repeat(MAX_HEADER_BYTES) + "\r\n\r\n", 431);
    }

    @Test
    void rejectsHeaderSectionOverLimitAcrossFieldsWith431() throws IOException {
        // RFC 6585 §5: the limit is on the whole header section, not only on one field.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < MAX_HEADERS - 2; i++) {
            fields.append("X-Field-").append(i).append(": ").append("v".repeat(MAX_HEADER_BYTES / 10)).append("\r\n");
        }
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + fields + "\r\n", 431);
    }

    @Test
    void rejectsTooManyHeaderFieldsWith431() throws IOException {
        // RFC 6585 §5: 431 also covers a header section with too many fields.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < MAX_HEADERS; i++) {
            fields.append("X-").append(i).append(": 1\r\n");
        }
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + fields + "\r\n", 431);
    }

    @Test
    void acceptsExactlyTheMaximumNumberOfHeaderFields() throws IOException {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < MAX_HEADERS - 1; i++) {
            fields.append("X-").append(i).append(": 1\r\n");
        }
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\n" + HOST + fields + "\r\n");
            assertEquals(200, c.read().status());
        }
    }

    @Test
    void rejectsDeclaredBodyOverLimitWith413() throws IOException {
        // RFC 9110 §15.5.14: 413 when the content is larger than the server is willing to process.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: " + (MAX_BODY + 1) + "\r\n\r\n", 413);
        assertEquals(1, handled.get(), "the handler never saw the over-large request");
    }

    @Test
    void rejectsChunkedBodyOverLimitWith413() throws IOException {
        // RFC 9110 §15.5.14: a chunked body has no declared length, so the limit applies while reading.
        String chunk = "c".repeat(MAX_BODY / 2 + 100);
        String size = Integer.toHexString(chunk.length());
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                + size + "\r\n" + chunk + "\r\n" + size + "\r\n" + chunk + "\r\n0\r\n\r\n", 413);
    }

    @Test
    void acceptsBodyOfExactlyTheLimit() throws IOException {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: " + MAX_BODY + "\r\n\r\n" + "x".repeat(MAX_BODY));
            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals(MAX_BODY, res.body().length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "gzip, chunked", "compress, chunked", "x-custom"})
    void rejectsUnknownTransferCodingWith501(String codings) throws IOException {
        // RFC 9112 §6.1: a server that receives a transfer coding it does not understand SHOULD respond 501.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: " + codings + "\r\n\r\n", 501);
    }

    @Test
    void rejectsChunkedAppliedTwice() throws IOException {
        // RFC 9112 §6.1: a sender MUST NOT apply chunked more than once.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400);
    }

    @Test
    void rejectsChunkedThatIsNotTheFinalCodingWith400() throws IOException {
        // RFC 9112 §6.3: chunked not final in a request: the server MUST respond 400 and close.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400);
    }

    @Test
    void rejectsUnsupportedExpectationWith417() throws IOException {
        // RFC 9110 §10.1.1: a server MAY answer an expectation other than 100-continue with 417.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Expect: something-else\r\nContent-Length: 2\r\n\r\nhi", 417);
    }

    @Test
    void rejectsOverlongMethodWith501() throws IOException {
        // RFC 9112 §3.1: a method longer than any the server implements SHOULD get 501.
        assertRejected("M".repeat(MAX_TARGET + 100) + " /hello HTTP/1.1\r\n" + HOST + "\r\n", 501);
    }

    @Test
    void rejectsContentLengthWithTransferEncoding() throws IOException {
        // RFC 9112 §6.1: a server MAY reject a request with both, and MUST then close the connection.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n", 400);
        assertEquals(1, handled.get());
    }

    @Test
    void rejectsTransferEncodingWithContentLengthInEitherOrder() throws IOException {
        // RFC 9112 §6.1: the order of the two fields does not matter.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n", 400);
    }

    @Test
    void rejectsTransferEncodingInHttp10() throws IOException {
        // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is treated as faulty framing, then the connection closes.
        assertRejected("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400);
    }

    @Test
    void rejectsDifferingDuplicateContentLength() throws IOException {
        // RFC 9112 §6.3: several Content-Length values that differ are an unrecoverable framing error.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
    }

    @Test
    void rejectsDifferingContentLengthListInOneField() throws IOException {
        // RFC 9112 §6.3: the same holds for a comma-separated list in one field.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 5, 6\r\n\r\nhello!", 400);
    }

    @Test
    void acceptsIdenticalDuplicateContentLength() throws IOException {
        // RFC 9110 §8.6: a list of identical values may be taken as that one value.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals("hello", c.read().text());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "+5", "5 5", "0x10", "1.0", "", "5;", "99999999999999999999"})
    void rejectsInvalidContentLength(String value) throws IOException {
        // RFC 9110 §8.6: Content-Length = 1*DIGIT; RFC 9112 §6.3: an invalid one is a 400 and a close.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: " + value + "\r\n\r\nhello", 400);
    }

    @Test
    void rejectsWhitespaceBetweenFieldNameAndColon() throws IOException {
        // RFC 9112 §5.1: a server MUST reject a request with whitespace between field name and colon with 400.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X-Test : 1\r\n\r\n", 400);
    }

    @Test
    void rejectsTabBetweenFieldNameAndColon() throws IOException {
        // RFC 9112 §5.1: whitespace includes HTAB.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X-Test\t: 1\r\n\r\n", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t"})
    void rejectsObsoleteLineFolding(String fold) throws IOException {
        // RFC 9112 §5.2: a server that receives obs-fold outside message/http MUST reject it (400) or replace it.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X-Test: a\r\n" + fold + "b\r\n\r\n", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0001", "\u001f", "\u007f", "\n"})
    void rejectsControlCharacterInFieldValue(String control) throws IOException {
        // RFC 9110 §5.5: field values never contain CTLs other than HTAB; NUL MUST be rejected.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X-Test: a" + control + "b\r\n\r\n", 400);
    }

    @Test
    void rejectsInvalidCharacterInFieldName() throws IOException {
        // RFC 9110 §5.1: a field name is a token.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X(Test): 1\r\n\r\n", 400);
    }

    @Test
    void rejectsBareCrInFieldValue() throws IOException {
        // RFC 9112 §2.2: a bare CR MUST be treated as invalid or replaced with SP; we reject.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "X-Test: a\rb\r\n\r\n", 400);
    }

    @Test
    void rejectsBareCrEndingTheRequestLine() throws IOException {
        // RFC 9112 §2.2: the same for a bare CR anywhere in the head.
        assertRejected("GET /hello HTTP/1.1\r" + HOST + "\r\n", 400);
    }

    @Test
    void rejectsBareCrInPlaceOfTheBlankLine() throws IOException {
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "\rX\r\n\r\n", 400);
    }

    @Test
    void rejectsMissingHostInHttp11() throws IOException {
        // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without a Host field.
        assertRejected("GET /hello HTTP/1.1\r\nX-Test: 1\r\n\r\n", 400);
    }

    @Test
    void rejectsDuplicateHost() throws IOException {
        // RFC 9112 §3.2: ... or with more than one Host field.
        assertRejected("GET /hello HTTP/1.1\r\n" + HOST + "Host: other\r\n\r\n", 400);
    }

    @Test
    void rejectsFragmentInRequestTarget() throws IOException {
        // RFC 9112 §3.2: the request-target has no fragment; '#' is not allowed in it.
        assertRejected("GET /hello#frag HTTP/1.1\r\n" + HOST + "\r\n", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BREW", "get", "Get", "PROPFIND"})
    void rejectsUnknownMethodWith501(String method) throws IOException {
        // RFC 9110 §9.1: methods are case-sensitive; an unrecognised one SHOULD get 501.
        assertRejected(method + " /hello HTTP/1.1\r\n" + HOST + "\r\n", 501);
    }

    @Test
    void rejectsMalformedChunkSize() throws IOException {
        // RFC 9112 §7.1: chunk-size is 1*HEXDIG; anything else leaves the framing unknown.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400);
    }

    @Test
    void rejectsOverlongChunkExtensionWith400() throws IOException {
        // RFC 9112 §7.1.1: extensions are skipped, so the server bounds them; past the bound, 400 and close.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n5;"
                + "e".repeat(3000) + "\r\nhello\r\n0\r\n\r\n", 400);
    }

    @Test
    void acceptsATrailerSectionWithinItsLimitThoughLargerThanTheHeadLimit() throws IOException {
        // Limits.maxTrailerBytes is its own bound (8 KiB by default), not the header section's 4 KiB here.
        String trailer = "t".repeat(6000);
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /trailer HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                    + "2\r\nhi\r\n0\r\nX-Trailer: " + trailer + "\r\n\r\n");
            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("trailer 6000", res.text());
        }
    }

    @Test
    void rejectsOversizedTrailerSectionWith431() throws IOException {
        // RFC 6585 §5: 431 for a trailer section over the limit, as for a header section.
        assertRejected("POST /trailer HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
                + "2\r\nhi\r\n0\r\nX-Trailer: " + "t".repeat(Limits.DEFAULT.maxTrailerBytes()) + "\r\n\r\n", 431);
    }

    @Test
    void rejectsChunkDataWithoutItsCrlf() throws IOException {
        // RFC 9112 §7.1: chunk-data is followed by CRLF.
        assertRejected("POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n", 400);
    }

    @Test
    void answersIncompleteHeadWith408AndCloses() throws IOException {
        // RFC 9110 §15.5.9: 408 when the server would not wait any longer for the request; then close.
        try (Server slow = Server.builder()
                .http("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withRequestHead(Duration.ofMillis(300)))
                .routes(r -> r.get("/hello", (req, res) -> res.send("hello")))
                .start()) {
            try (RawClient c = RawClient.connect(slow.port())) {
                long start = System.nanoTime(); // before the server can have started its clock
                c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n");

                RawResponse res = c.read();
                long waitedMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(408, res.status());
                assertEquals("close", res.header("Connection"));
                assertTrue(waitedMillis >= 290, "answered after " + waitedMillis + " ms, before the timeout");
                c.assertClosedByServer();
            }
            try (RawClient c = RawClient.connect(slow.port())) {
                c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals("hello", c.read().text());
            }
        }
    }
}
