package io.shockwave.http1.internal;

import io.shockwave.runtime.Handler;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.shockwave.http1.internal.Exchanges.bytes;
import static io.shockwave.http1.internal.Exchanges.bodies;
import static io.shockwave.http1.internal.Exchanges.head;
import static io.shockwave.http1.internal.Exchanges.responses;
import static io.shockwave.http1.internal.Exchanges.serve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection loop (RFC 9112 §9): persistence, pipelining, refusals, 100-continue, framing errors. */
class Http1ConnectionTest {

    /** Answers with the method, path and body it read, so responses can be told apart. */
    private static final Handler ECHO = (req, res) ->
            res.send(req.method() + " " + req.path() + (req.contentLength() != 0 ? " " + req.bodyString() : ""));

    private static final String GET_A = head("GET /a HTTP/1.1", "Host: x");
    private static final String GET_B = head("GET /b HTTP/1.1", "Host: x");
    private static final String GET_C = head("GET /c HTTP/1.1", "Host: x");

    @Test
    void servesRequestsOnAKeptAliveConnectionInTurn() {
        // RFC 9112 §9.3: HTTP/1.1 connections persist unless told otherwise.
        MemoryChannel ch = serve(ECHO, GET_A, GET_B);
        assertEquals(List.of("200 GET /a", "200 GET /b"), bodies(ch));
        assertEquals(2, ch.writeCalls(), "one write per response, each before waiting for the next request");
        assertTrue(ch.transportClosed(), "closed once the client went away");
    }

    @Test
    void pipelinedResponsesLeaveInOrderInOneWrite() {
        // RFC 9112 §9.3.2: responses to pipelined requests are sent in the order received.
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: 4") + "data";
        MemoryChannel ch = serve(ECHO, GET_A + post + GET_B + GET_C);
        assertEquals(List.of("200 GET /a", "200 POST /p data", "200 GET /b", "200 GET /c"), bodies(ch));
        assertEquals(1, ch.writeCalls());
    }

    @Test
    void servesPipelinedRequestsSplitAtEveryByte() {
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: 4") + "data";
        String all = GET_A + post + GET_B;
        for (int cut = 1; cut < all.length(); cut++) {
            MemoryChannel ch = serve(ECHO, all.substring(0, cut), all.substring(cut));
            assertEquals(List.of("200 GET /a", "200 POST /p data", "200 GET /b"), bodies(ch), "cut at " + cut);
        }
    }

    @Test
    void ignoresAnEmptyLineAfterABody() {
        // RFC 9112 §2.2: some clients send CRLF after a POST body; it is not a request.
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: 4") + "data";
        assertEquals(List.of("200 POST /p data", "200 GET /b"), bodies(serve(ECHO, post + "\r\n" + GET_B)));
    }

    @Test
    void ignoresAnEmptyLineAfterABodySplitAtEveryByte() {
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: 4") + "data";
        String all = post + "\r\n" + GET_B;
        for (int cut = 1; cut < all.length(); cut++) {
            MemoryChannel ch = serve(ECHO, all.substring(0, cut), all.substring(cut));
            assertEquals(List.of("200 POST /p data", "200 GET /b"), bodies(ch), "cut at " + cut);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16, 100})
    void servesRequestsArrivingInSmallPieces(int size) {
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: 11", "X-Long: " + "v".repeat(300))
                + "hello world";
        StubContext ctx = new StubContext(ECHO);
        MemoryChannel ch = new MemoryChannel(ctx).feedInPieces(bytes(GET_A + post + GET_B), size);
        serve(ctx, ch);
        assertEquals(List.of("200 GET /a", "200 POST /p hello world", "200 GET /b"), bodies(ch));
    }

    @Test
    void connectionCloseEndsTheConnectionAfterTheResponse() {
        // RFC 9112 §9.6: after a request with close, the server closes after its response.
        MemoryChannel ch = serve(ECHO, head("GET /a HTTP/1.1", "Host: x", "Connection: close") + GET_B);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals("GET /a", p.bodyText());
        assertTrue(p.closes());
        assertTrue(r.atEnd(), "the pipelined request after close is not answered");
        assertTrue(ch.transportClosed());
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() {
        // RFC 9112 §9.3: HTTP/1.0 persists only with keep-alive.
        MemoryChannel closing = serve(ECHO, head("GET /a HTTP/1.0") + head("GET /b HTTP/1.0"));
        ResponseReader r = responses(closing);
        assertTrue(r.next().closes());
        assertTrue(r.atEnd());

        MemoryChannel kept = serve(ECHO, head("GET /a HTTP/1.0", "Connection: keep-alive") + head("GET /b HTTP/1.0"));
        ResponseReader k = responses(kept);
        ResponseReader.Parsed first = k.next();
        assertEquals("keep-alive", first.header("Connection"));
        assertEquals("GET /a", first.bodyText());
        ResponseReader.Parsed second = k.next();
        assertEquals("GET /b", second.bodyText());
        assertTrue(second.closes());
        assertTrue(k.atEnd());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\n\r\n|400|Missing Host header",
        "BREW / HTTP/1.1\r\nHost: x\r\n\r\n|501|Method not implemented",
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n|505|HTTP version not supported",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n|501|Transfer coding not implemented",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n|400|"
                + "Both Content-Length and Transfer-Encoding",
        "GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n|417|Unsupported expectation",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n|400|Whitespace between header field name and colon",
        "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n|400|Invalid character in the request target",
    })
    void refusesABadRequestWithItsStatusAndCloses(String testCase) {
        // RFC 9112 §2.2, §3, §6: a request that cannot be trusted is answered and the connection closed.
        String[] parts = testCase.split("\\|");
        AtomicInteger calls = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> calls.incrementAndGet(), parts[0] + GET_B);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(Integer.parseInt(parts[1]), p.status());
        assertEquals(parts[2], p.bodyText());
        assertTrue(p.closes());
        assertEquals("text/plain", p.header("Content-Type"));
        assertEquals(29, p.header("Date").length());
        assertTrue(r.atEnd(), "nothing after the refusal");
        assertEquals(0, calls.get(), "no handler sees a refused request");
        assertTrue(ch.transportClosed());
    }

    @Test
    void refusesAnOverlongHeadWith431() {
        String big = head("GET / HTTP/1.1", "Host: x", "X-Big: " + "v".repeat(20_000));
        MemoryChannel ch = serve(ECHO, big);
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(431, p.status());
        assertTrue(p.closes());
    }

    @Test
    void refusesAnOverlongTargetWith414WhenTheLimitFallsOnAReadBoundary() {
        // Reads of 32 bytes: the second one ends exactly at the 64-byte limit.
        StubContext ctx = new StubContext(ECHO, Limits.DEFAULT.withMaxRequestLineLength(64));
        MemoryChannel ch = new MemoryChannel(ctx).feedInPieces(bytes("GET /" + "a".repeat(20_000)), 32);
        serve(ctx, ch);
        assertEquals(414, responses(ch).next().status());
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 100, 1000})
    void refusesAnOverlongTargetWith414(int readSize) {
        // RFC 9110 §15.5.15
        StubContext ctx = new StubContext(ECHO, Limits.DEFAULT.withMaxRequestLineLength(64));
        MemoryChannel ch = new MemoryChannel(ctx).feedInPieces(bytes("GET /" + "a".repeat(20_000)), readSize);
        serve(ctx, ch);
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(414, p.status());
        assertTrue(p.closes());
    }

    @Test
    void clientLeavingMidHeadGetsNoResponse() {
        MemoryChannel ch = serve(ECHO, "GET /a HTTP/1.1\r\nHo");
        assertEquals(0, ch.output().length);
        assertTrue(ch.transportClosed());
    }

    @Test
    void refusesADeclaredBodyOverTheLimitBeforeTheHandlerRuns() {
        // RFC 9110 §15.5.14: 413, and close, since the body will not be read.
        AtomicInteger calls = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> calls.incrementAndGet(), Limits.DEFAULT.withMaxBodySize(10),
                head("POST / HTTP/1.1", "Host: x", "Content-Length: 11") + "01234567890" + GET_B);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(413, p.status());
        assertTrue(p.closes());
        assertTrue(r.atEnd());
        assertEquals(0, calls.get());
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        MemoryChannel ch = serve(ECHO, Limits.DEFAULT.withMaxBodySize(10),
                head("POST / HTTP/1.1", "Host: x", "Content-Length: 10") + "0123456789");
        assertEquals(List.of("200 POST / 0123456789"), bodies(ch));
    }

    @Test
    void unreadBodyIsDiscardedNotParsedAsARequest() {
        // RFC 9112 §6.3: the body's length is known, so its bytes are never a request, whatever they hold.
        String smuggled = head("GET /smuggled HTTP/1.1", "Host: x");
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: " + smuggled.length()) + smuggled;
        List<String> paths = new ArrayList<>();
        MemoryChannel ch = serve((req, res) -> {
            paths.add(req.path());
            res.send("ok");
        }, post + GET_B);
        assertEquals(List.of("/p", "/b"), paths);
        assertEquals(2, responses(ch).all().size());
    }

    @Test
    void unreadBodyOverTheDiscardLimitClosesTheConnection() {
        int length = 300 * 1024;
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: " + length) + "b".repeat(length);
        List<String> paths = new ArrayList<>();
        MemoryChannel ch = serve((req, res) -> {
            paths.add(req.path());
            res.send("ok");
        }, post + GET_B);
        assertEquals(List.of("/p"), paths);
        ResponseReader r = responses(ch);
        assertEquals("ok", r.next().bodyText());
        assertTrue(r.atEnd());
        assertTrue(ch.transportClosed());
    }

    @Test
    void partlyReadBodyIsDiscardedAndTheNextRequestServed() {
        String post = head("POST /p HTTP/1.1", "Host: x", "Content-Length: 10") + "0123456789";
        List<String> seen = new ArrayList<>();
        MemoryChannel ch = serve((req, res) -> {
            byte[] three = req.body().readNBytes(3);
            seen.add(req.path() + " " + new String(three, java.nio.charset.StandardCharsets.US_ASCII));
            res.send("ok");
        }, post + GET_B);
        assertEquals(List.of("/p 012", "/b "), seen);
        assertEquals(2, responses(ch).all().size());
    }

    // ---- RFC 9110 §10.1.1: Expect: 100-continue ----

    private static final String EXPECTING = head("POST /upload HTTP/1.1", "Host: x", "Content-Length: 5",
            "Expect: 100-continue");

    @Test
    void sendsContinueOnlyWhenTheHandlerReadsTheBody() {
        List<String> writtenBeforeRead = new ArrayList<>();
        AtomicReference<MemoryChannel> channel = new AtomicReference<>();
        StubContext ctx = new StubContext((req, res) -> {
            writtenBeforeRead.add(channel.get().outputText());
            String body = req.bodyString();
            res.send("got " + body);
        });
        MemoryChannel ch = new MemoryChannel(ctx).feed(EXPECTING).feed("hello");
        channel.set(ch);
        serve(ctx, ch);
        assertEquals(List.of(""), writtenBeforeRead, "nothing is sent before the handler reads");
        ResponseReader r = responses(ch);
        ResponseReader.Parsed interim = r.next();
        assertEquals(100, interim.status());
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", ch.outputText().substring(0, 25));
        ResponseReader.Parsed fin = r.next();
        assertEquals(200, fin.status());
        assertEquals("got hello", fin.bodyText());
        assertTrue(r.atEnd());
    }

    @Test
    void sendsNoContinueWhenTheHandlerAnswersWithoutReading() {
        // The client may still send the body or not: the connection cannot be reused.
        MemoryChannel ch = serve((req, res) -> res.status(Status.FORBIDDEN).send("no"), EXPECTING + "hello" + GET_B);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(403, p.status());
        assertTrue(p.closes(), "the client is told the connection ends");
        assertTrue(r.atEnd());
        assertFalse(ch.outputText().contains("100 Continue"));
        assertTrue(ch.transportClosed());
    }

    @Test
    void sendsNoContinueOnceTheResponseIsCommitted() {
        MemoryChannel ch = serve((req, res) -> {
            OutputStream out = res.output();
            out.write("early".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            req.body().readAllBytes();
        }, EXPECTING + "hello");
        assertFalse(ch.outputText().contains("100 Continue"));
        assertEquals("early", responses(ch).next().bodyText());
    }

    @Test
    void sendsNoContinueToHttp10() {
        // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request MUST be ignored.
        MemoryChannel ch = serve(ECHO, head("POST /u HTTP/1.0", "Content-Length: 5", "Expect: 100-continue") + "hello");
        assertFalse(ch.outputText().contains("100 Continue"));
        assertEquals("POST /u hello", responses(ch).next().bodyText());
    }

    @Test
    void sendsNoContinueForAnEmptyBody() {
        MemoryChannel ch = serve(ECHO, head("POST /u HTTP/1.1", "Host: x", "Content-Length: 0",
                "Expect: 100-continue") + GET_B);
        assertFalse(ch.outputText().contains("100 Continue"));
        assertEquals(List.of("200 POST /u", "200 GET /b"), bodies(ch));
    }

    // ---- failures in handlers ----

    @Test
    void handlerFailureBeforeCommitIsAnsweredAndTheConnectionServesOn() {
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            switch (n.incrementAndGet()) {
                case 1 -> throw new IllegalStateException("bug");
                case 2 -> throw new HttpException(Status.NOT_FOUND, "no such thing");
                default -> res.send("fine");
            }
        }, GET_A + GET_B + GET_C);
        assertEquals(List.of("500 Internal Server Error", "404 no such thing", "200 fine"), bodies(ch));
    }

    @Test
    void handlerFailureAfterCommitClosesTheConnection() {
        // A truncated response could be taken for a complete one: only closing tells the client.
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            if (n.incrementAndGet() == 1) {
                res.output().write(new byte[] {'p', 'a', 'r', 't'});
                res.output().flush();
                throw new IllegalStateException("bug after commit");
            }
            res.send("second");
        }, GET_A + GET_B);
        assertEquals(1, n.get());
        assertFalse(ch.outputText().contains("second"));
        assertFalse(ch.outputText().contains("\r\n0\r\n\r\n"), "no last-chunk: the response must look truncated");
        assertTrue(ch.transportClosed());
    }

    @Test
    void bodyShorterThanItsContentLengthIsA500WhenNothingWasSent() {
        // RFC 9112 §6.3: fewer bytes than the Content-Length is an incomplete message; while
        // none of it has left, the server can still answer properly instead.
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            if (n.incrementAndGet() == 1) {
                res.contentLength(10);
                res.output().write(new byte[5]);
                return;
            }
            res.send("second");
        }, GET_A + GET_B);
        assertEquals(List.of("500 Internal Server Error", "200 second"), bodies(ch));
    }

    @Test
    void bodyShorterThanItsContentLengthIsCutOffWhenPartWasSent() {
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            n.incrementAndGet();
            res.contentLength(10);
            res.output().write(new byte[5]);
            res.output().flush();
        }, GET_A + GET_B);
        assertEquals(1, n.get(), "the pipelined request is not served");
        assertTrue(ch.transportClosed());
        assertNoCompleteBody(ch.outputText(), 10);
    }

    /** Whatever was sent, if anything, is one response whose body stops short of {@code length}. */
    private static void assertNoCompleteBody(String out, int length) {
        assertTrue(out.indexOf("HTTP/1.1 ") == out.lastIndexOf("HTTP/1.1 "), out);
        int bodyStart = out.indexOf("\r\n\r\n");
        assertTrue(bodyStart < 0 || out.length() - bodyStart - 4 < length, out);
    }

    @Test
    void bodyLongerThanItsContentLengthFailsTheWriteAndTheExchangeEvenIfSwallowed() {
        AtomicInteger n = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        MemoryChannel ch = serve((req, res) -> {
            if (n.incrementAndGet() == 2) {
                res.send("second");
                return;
            }
            res.contentLength(3);
            try {
                res.output().write(new byte[] {'a', 'b', 'c', 'd', 'e'});
            } catch (IOException e) {
                failure.set(e);
            }
        }, GET_A + GET_B);
        assertInstanceOf(IOException.class, failure.get());
        assertFalse(ch.outputText().contains("abc"));
        assertEquals(List.of("500 Internal Server Error", "200 second"), bodies(ch));
    }

    @Test
    void requestStatisticsAreCounted() {
        StubContext ctx = new StubContext(ECHO);
        serve(ctx, GET_A + GET_B + "GET / HTTP/1.1\r\n\r\n");
        assertEquals(2, ctx.stats().requests(), "two parsed requests, the third refused");
        assertEquals(2, ctx.stats().responses(2));
        assertEquals(1, ctx.stats().responses(4));
    }

    @Test
    void malformedUnreadChunkedBodyStillGetsAResponse() throws IOException {
        String request = head("POST /p HTTP/1.1", "Host: x", "Transfer-Encoding: chunked") + "zz\r\n";
        Handler ignoresBody = (req, res) -> res.send("ok");

        StubContext ctx = new StubContext(ignoresBody);
        MemoryChannel direct = new MemoryChannel(ctx).feed(request + GET_B);
        assertFalse(new Http1Connection(direct, ctx).serveNext(), "the connection ends without an exception");

        MemoryChannel ch = serve(ignoresBody, request + GET_B);
        ResponseReader r = responses(ch);
        assertEquals("ok", r.next().bodyText(), "the handler's complete answer is sent");
        assertTrue(r.atEnd(), "then the connection closes");
        assertTrue(ch.transportClosed());
    }

    @Test
    void requestExposesItsConnection() {
        AtomicReference<String> seen = new AtomicReference<>();
        serve((req, res) -> {
            seen.set(req.protocol() + " " + req.isSecure() + " " + req.remoteAddress().getPort() + " "
                    + req.localAddress().getPort());
            res.send();
        }, GET_A);
        assertEquals("HTTP/1.1 false 40000 8080", seen.get());
    }

    @Test
    void pathParametersAndQueryReachTheHandler() {
        AtomicReference<String> seen = new AtomicReference<>();
        serve((req, res) -> {
            seen.set(req.path() + "|" + req.rawPath() + "|" + req.queryParams("t") + "|" + req.header("x-ID"));
            res.send();
        }, head("GET /caf%C3%A9?t=1&t=a+b HTTP/1.1", "Host: x", "X-Id: 7"));
        assertEquals("/café|/caf%C3%A9|[1, a b]|7", seen.get());
    }
}
