package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the server frames what handlers write (RFC 9112 §6, §7). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResponseFramingTest {
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello"))
                        .get("/trailers", (req, res) -> {
                            res.trailers().set("X-Checksum", "c0ffee");
                            OutputStream out = res.output();
                            out.write("with ".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            out.write("trailers".getBytes(StandardCharsets.US_ASCII));
                        })
                        .get("/declared", (req, res) -> {
                            byte[] body = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
                            res.contentLength(body.length);
                            OutputStream out = res.output();
                            for (int i = 0; i < body.length; i += 1000) {
                                out.write(body, i, 1000);
                            }
                        })
                        .get("/large-stream", (req, res) -> {
                            OutputStream out = res.output();
                            byte[] block = new byte[50_000];
                            for (int i = 0; i < 20; i++) {
                                Arrays.fill(block, (byte) ('a' + i));
                                out.write(block);
                            }
                        })
                        .get("/empty", (req, res) -> {
                        })
                        .get("/no-content", (req, res) -> res.status(Status.NO_CONTENT).send("ignored"))
                        .get("/not-modified", (req, res) -> res.status(Status.NOT_MODIFIED).send())
                        .get("/short", (req, res) -> {
                            res.contentLength(10);
                            res.output().write("12345".getBytes(StandardCharsets.US_ASCII));
                            res.output().flush();
                        })
                        .get("/short-unsent", (req, res) -> {
                            res.contentLength(10);
                            res.output().write("12345".getBytes(StandardCharsets.US_ASCII));
                        })
                        .get("/fails-mid-stream", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("partial".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            throw new IllegalStateException("handler bug after committing, on purpose");
                        })
                        .get("/custom-close", (req, res) -> res.header("Connection", "close").send("bye")))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @Test
    void sendsTrailersAfterAChunkedBody() throws Exception {
        // RFC 9112 §7.1.2: trailer fields follow the last chunk.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/trailers"));
            RawResponse res = c.read();

            assertTrue(res.chunked());
            assertEquals("with trailers", res.text());
            assertEquals("c0ffee", res.trailer("X-Checksum"));
            c.send(get("/hello"));
            assertEquals("hello", c.read().text());
        }
    }

    @Test
    void streamsADeclaredLengthWithoutChunks() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/declared"));
            RawResponse res = c.read();

            assertFalse(res.chunked());
            assertEquals("100000", res.header("Content-Length"));
            assertEquals("x".repeat(100_000), res.text());
        }
    }

    @Test
    void chunksALargeStreamedBody() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/large-stream"));
            RawResponse res = c.read();

            assertTrue(res.chunked());
            assertEquals(1_000_000, res.body().length);
            for (int i = 0; i < 20; i++) {
                assertEquals('a' + i, res.body()[i * 50_000]);
                assertEquals('a' + i, res.body()[i * 50_000 + 49_999]);
            }
        }
    }

    @Test
    void sendsContentLengthZeroWhenTheHandlerWritesNothing() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/empty"));
            RawResponse res = c.read();

            assertEquals(200, res.status());
            assertEquals("0", res.header("Content-Length"));
        }
    }

    @Test
    void sendsNoContentWith204Or304() throws Exception {
        // RFC 9110 §15.3.5, §15.4.5: 204 and 304 never carry content.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/no-content") + get("/not-modified") + get("/hello"));

            RawResponse noContent = c.read();
            assertEquals(204, noContent.status());
            assertNull(noContent.header("Content-Length"), "RFC 9110 §8.6: no Content-Length in a 204");
            assertNull(noContent.header("Transfer-Encoding"));
            assertEquals(304, c.read().status());
            assertEquals("hello", c.read().text(), "no stray content between the responses");
        }
    }

    @Test
    void closesTheConnectionWhenAHandlerWritesLessThanItDeclared() throws Exception {
        // RFC 9112 §6.3: a response shorter than its Content-Length is incomplete; only closing can say so.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/short"));
            assertThrows(EOFException.class, c::read);
        }
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/hello"));
            assertEquals("hello", c.read().text());
        }
    }

    @Test
    void answers500WhenAHandlerWritesLessThanItDeclaredAndNoneOfItWasSent() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/short-unsent"));
            RawResponse res = c.read();
            assertEquals(500, res.status());
            c.send(get("/hello"));
            assertEquals("hello", c.read().text(), "a well-framed 500 keeps the connection");
        }
    }

    @Test
    void endsAResponseCutShortByAHandlerFailureWithoutTheLastChunk() throws Exception {
        // RFC 9112 §7.1: without the last chunk the client knows the response is incomplete.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/fails-mid-stream"));
            EOFException e = assertThrows(EOFException.class, c::read);
            assertTrue(e.getMessage().contains("connection closed"), e.getMessage());
        }
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/hello"));
            assertEquals("hello", c.read().text());
        }
    }

    @Test
    void closesWhenTheHandlerSetsConnectionClose() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/custom-close"));
            RawResponse res = c.read();

            assertEquals("bye", res.text());
            assertEquals(1, res.headerValues("Connection").size());
            assertEquals("close", res.header("Connection"));
            c.assertClosedByServer();
        }
    }
}
