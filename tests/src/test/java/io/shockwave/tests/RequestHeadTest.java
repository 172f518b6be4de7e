package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Request heads that are valid but unusual: split, large, prefixed, or in absolute-form (RFC 9112 §2-§5). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestHeadTest {
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/", (req, res) -> res.send("root " + req.rawQuery()))
                        .get("/hello", (req, res) -> res.send("hello"))
                        .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                        .get("/header", (req, res) -> res.send(req.header("X-Value")))
                        .get("/files/{name}", (req, res) -> res.send(req.pathParam("name") + " " + req.rawPath())))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private RawResponse exchange(String request) throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(request);
            return c.read();
        }
    }

    @Test
    void parsesAHeadTrickledByteByByte() throws Exception {
        String request = "GET /header HTTP/1.1\r\nHost: localhost\r\nX-Value: slow and steady\r\n\r\n";
        try (RawClient c = RawClient.connect(server.port())) {
            for (int i = 0; i < request.length(); i++) {
                c.send(request.substring(i, i + 1));
            }
            assertEquals("slow and steady", c.read().text());
        }
    }

    @Test
    void parsesAHeadLargerThanTheInitialReadBuffer() throws Exception {
        String value = "v".repeat(12 * 1024);
        RawResponse res = exchange("GET /header HTTP/1.1\r\nHost: localhost\r\nX-Value: " + value + "\r\n\r\n");

        assertEquals(200, res.status());
        assertEquals(value, res.text());
    }

    @Test
    void answersAPipelinedRequestWhoseHeadArrivesLater() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\nGET /header HTTP/1.1\r\nHo");

            // The first response must not wait for the rest of the second request.
            assertEquals("hello", c.read().text());
            c.send("st: localhost\r\nX-Value: second\r\n\r\n");
            assertEquals("second", c.read().text());
        }
    }

    @Test
    void answersManyPipelinedRequestsSpanningSeveralReads() throws Exception {
        int n = 500;
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < n; i++) {
            batch.append("GET /files/f").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(batch.toString());
            for (int i = 0; i < n; i++) {
                assertEquals("f" + i + " /files/f" + i, c.read().text());
            }
        }
    }

    @Test
    void ignoresEmptyLinesBeforeTheRequestLine() throws Exception {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request-line.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello", c.read().text());
            assertEquals("hello", c.read().text());
        }
    }

    @Test
    void ignoresAnEmptyLineSplitBetweenItsCrAndLf() throws Exception {
        // RFC 9112 §2.2: some clients send CRLF after a body; TCP may cut it anywhere.
        try (RawClient c = RawClient.connect(server.port())) {
            String first = "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\ndata\r";
            long before = server.stats().bytesIn();
            c.send(first);
            Await.until(() -> server.stats().bytesIn() >= before + first.length(), Duration.ofSeconds(5),
                    () -> "the server did not read the first part");
            c.send("\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");

            assertEquals("data", c.read().text());
            assertEquals("hello", c.read().text());
        }
    }

    @Test
    void routesAbsoluteFormByItsPath() throws Exception {
        // RFC 9112 §3.2.2: a server MUST accept the absolute-form in requests.
        RawResponse res = exchange("GET http://localhost/files/a?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertEquals(200, res.status());
        assertEquals("a /files/a", res.text());
    }

    @Test
    void routesAbsoluteFormWithEmptyPathToRoot() throws Exception {
        // RFC 9110 §4.2.3: an empty path in an http URI is equivalent to "/".
        assertEquals("root null", exchange("GET http://localhost HTTP/1.1\r\nHost: localhost\r\n\r\n").text());
        assertEquals("root q=1", exchange("GET http://localhost?q=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").text());
    }

    @Test
    void decodesPercentEncodedPath() throws Exception {
        RawResponse res = exchange("GET /files/caf%C3%A9%20au%20lait HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertEquals(200, res.status());
        assertEquals("café au lait /files/caf%C3%A9%20au%20lait", res.text());
    }

    @Test
    void rejectsMalformedPercentEncodingWith400() throws Exception {
        // RFC 3986 §2.1: a '%' starts a pct-encoded triplet of two hex digits.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /files/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(400, c.read().status());
            // The framing was sound, so the connection may carry on.
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello", c.read().text());
        }
    }

    @Test
    void acceptsFieldValuesWithTabsAndObsText() throws Exception {
        // RFC 9110 §5.5: field-vchar includes obs-text (0x80-0xFF); HTAB and SP may appear inside.
        RawResponse res = exchange("GET /header HTTP/1.1\r\nHost: localhost\r\nX-Value: \ta\tb c\u00e9 \t\r\n\r\n");

        assertEquals(200, res.status());
        assertEquals("a\tb c\u00e9", res.text(), "the value, its outer whitespace trimmed, read as ISO-8859-1");
    }

    @Test
    void ignoresAnUpgradeItDoesNotOffer() throws Exception {
        // RFC 9110 §7.8: a server may ignore Upgrade and answer over HTTP/1.1.
        RawResponse res = exchange("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n");

        assertEquals(200, res.status());
        assertEquals("hello", res.text());
    }
}
