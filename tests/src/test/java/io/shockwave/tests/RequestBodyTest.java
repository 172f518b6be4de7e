package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Request content framed by Content-Length and by chunked coding, and the 100-continue handshake. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestBodyTest {
    private final AtomicInteger ignoredCalls = new AtomicInteger();
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .limits(Limits.DEFAULT.withMaxBodySize(4 * 1024 * 1024))
                .routes(r -> r
                        .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                        .post("/describe", (req, res) -> {
                            boolean trailersEmptyBefore = req.trailers().isEmpty();
                            String body = req.bodyString();
                            res.send("length=" + req.contentLength() + " body=" + body
                                    + " trailersBefore=" + (trailersEmptyBefore ? "none" : req.trailers().size())
                                    + " checksum=" + req.trailers().get("X-Checksum")
                                    + " note=" + req.trailers().get("x-note"));
                        })
                        .post("/ignore", (req, res) -> {
                            ignoredCalls.incrementAndGet();
                            res.send("not reading that");
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void readsBodyDelimitedByContentLength() throws Exception {
        // RFC 9112 §6.2: Content-Length gives the exact length of the content.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world");

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("hello world", res.text());
        }
    }

    @Test
    void waitsForABodyThatArrivesInPieces() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\n");
            c.send("hello");
            c.send(" world");

            assertEquals("hello world", c.read().text());
        }
    }

    @Test
    void readsLargeBodyDelimitedByContentLength() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(body);
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(body);

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertArrayEquals(body, res.body());
        }
    }

    @Test
    void readsChunkedBodyWithExtensionsAndTrailers() throws Exception {
        // RFC 9112 §7.1: chunks, chunk extensions to ignore, and a trailer section (§7.1.2).
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /describe HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Trailer: X-Checksum, X-Note\r\n\r\n"
                    + "5\r\nhello\r\n"
                    + "6;name=value;flag\r\n world\r\n"
                    + "0\r\nX-Checksum: abc123\r\nX-Note:  spaced out  \r\n\r\n");

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("length=-1 body=hello world trailersBefore=none checksum=abc123 note=spaced out",
                    res.text());
        }
    }

    @Test
    void readsChunkedBodyWithUpperCaseHexAndNoTrailers() throws Exception {
        byte[] data = "x".repeat(0x1AB).getBytes(StandardCharsets.US_ASCII);
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n1AB\r\n");
            c.send(data);
            c.send("\r\n0\r\n\r\n");

            assertArrayEquals(data, c.read().body());
        }
    }

    @Test
    void readsChunkedBodyTrickledByteByByte() throws Exception {
        String wire = "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-Checksum: z\r\n\r\n";
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /describe HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < wire.length(); i++) {
                c.send(wire.substring(i, i + 1));
            }

            assertEquals("length=-1 body=abcde trailersBefore=none checksum=z note=null", c.read().text());
        }
    }

    @Test
    void keepsTheConnectionAfterAChunkedBody() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            for (int i = 0; i < 3; i++) {
                c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nr" + i + "\r\n0\r\n\r\n");
                RawResponse res = c.read();
                assertEquals("r" + i, res.text());
                assertFalse(res.closes());
            }
        }
    }

    @Test
    void sendsContinueBeforeTheBodyIsSent() throws Exception {
        // RFC 9110 §10.1.1: a server that will read the content answers "100-continue" with 100 first.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n");

            // Nothing of the body has been sent: the 100 must come first, or this read times out.
            RawResponse interim = c.read();
            assertEquals("HTTP/1.1 100 Continue", interim.statusLine());
            assertEquals(0, c.buffered(), "nothing but the 100 before the body is sent");

            c.send("payload");
            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("payload", res.text());
        }
    }

    @Test
    void sendsContinueForAChunkedBody() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-Continue\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");

            assertEquals(100, c.read().status());
            c.send("4\r\nbody\r\n0\r\n\r\n");
            assertEquals("body", c.read().text());
        }
    }

    @Test
    void answersExpectContinueWithTheFinalStatusWhenTheHandlerSkipsTheBody() throws Exception {
        // RFC 9110 §10.1.1: a server may send a final status instead of 100 and not read the content.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n");

            RawResponse res = c.read();
            assertEquals(200, res.status(), "no 100 before a final response the body cannot change");
            assertEquals("not reading that", res.text());
            // The body the client may still send would otherwise be read as the next request.
            assertEquals("close", res.header("Connection"));
            c.assertClosedByServer();
            assertEquals(1, ignoredCalls.get());
        }
    }

    @Test
    void answersExpectContinueWith413WhenTheDeclaredBodyIsTooLarge() throws Exception {
        // RFC 9110 §10.1.1 and §15.5.14: refuse an over-large body before the client sends it.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + (5 * 1024 * 1024) + "\r\n\r\n");

            RawResponse res = c.read();
            assertEquals(413, res.status());
            c.assertClosedByServer();
        }
    }

    @Test
    void discardsASmallUnreadBodyAndKeepsTheConnection() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nabcde"
                    + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nnext");

            assertEquals("not reading that", c.read().text());
            assertEquals("next", c.read().text());
        }
    }

    @Test
    void deliversTheResponseWhenALargeUnreadBodyEndsTheConnection() throws Exception {
        // RFC 9112 §9.6: closing with unread input must not cost the client the response it was sent.
        byte[] body = new byte[3 * 1024 * 1024];
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\n\r\n");
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    c.send(body);
                } catch (IOException expected) {
                    // the server stops reading once it has answered
                }
            });

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("not reading that", res.text());
            c.assertClosedByServer();
            sender.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void answersBeforeTheUnreadRestOfTheBodyArrives() throws Exception {
        // A client may wait for an early response before sending the rest of its body.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n\r\nfirst half");

            assertEquals("not reading that", c.read().text());
            c.send("second....");
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nnext");
            assertEquals("next", c.read().text(), "the small rest was dropped and the connection kept");
        }
    }

    @Test
    void deliversTheResponseWhenTheUnreadBodyIsMalformed() throws Exception {
        // RFC 9112 §7.1: the framing of the rest is broken, so the connection ends, after the response.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\nzz\r\n");

            assertEquals("not reading that", c.read().text());
            c.assertClosedByServer();
        }
    }

    @Test
    void echoesBinaryBodyExactly() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int b = 0; b < 256; b++) {
            all.write(b);
        }
        byte[] body = all.toByteArray();
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 256\r\n\r\n");
            c.send(body);

            assertArrayEquals(body, c.read().body());
        }
    }
}
