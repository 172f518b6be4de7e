package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** HEAD, HTTP/1.0 and the Connection header over raw sockets (RFC 9112 §9.3, §9.6). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionPersistenceTest {
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello " + req.protocol()))
                        .get("/stream", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("streamed ".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            out.write("body".getBytes(StandardCharsets.US_ASCII));
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void answersHeadWithGetHeadersAndNoContent() throws Exception {
        // RFC 9110 §9.3.2: the same header fields as GET, and no content.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse get = c.read();
            c.send("HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse head = c.readHeadResponse();

            assertEquals(200, head.status());
            assertEquals(get.header("Content-Length"), head.header("Content-Length"));
            assertEquals(get.header("Content-Type"), head.header("Content-Type"));
            // Content after the HEAD response would be parsed here as a status line.
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello HTTP/1.1", c.read().text());
        }
    }

    @Test
    void answersHeadOfAStreamedResponseWithoutChunks() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("HEAD /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse head = c.readHeadResponse();

            assertEquals(200, head.status());
            assertFalse(head.closes());
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse next = c.read();
            assertEquals("hello HTTP/1.1", next.text(), "no chunk of the HEAD response reached the wire");
        }
    }

    @Test
    void keepsHttp11ConnectionOpenByDefault() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            for (int i = 0; i < 3; i++) {
                c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                RawResponse res = c.read();
                assertEquals("hello HTTP/1.1", res.text());
                assertNull(res.header("Connection"), "HTTP/1.1 persists without saying so");
            }
        }
    }

    @Test
    void closesHttp10ConnectionByDefault() throws Exception {
        // RFC 9112 §9.3: an HTTP/1.0 connection persists only if the client asked with keep-alive.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.0\r\n\r\n");

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("hello HTTP/1.0", res.text());
            c.assertClosedByServer();
        }
    }

    @Test
    void keepsHttp10ConnectionOpenWithKeepAlive() throws Exception {
        // RFC 9112 Appendix C.2.2: HTTP/1.0 keep-alive, answered with Connection: keep-alive.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawResponse first = c.read();
            assertEquals("hello HTTP/1.0", first.text());
            assertEquals("keep-alive", first.header("Connection"));

            c.send("GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            assertEquals("hello HTTP/1.0", c.read().text());

            c.send("GET /hello HTTP/1.0\r\n\r\n");
            assertEquals("hello HTTP/1.0", c.read().text());
            c.assertClosedByServer();
        }
    }

    @Test
    void delimitsHttp10StreamedResponseByClosing() throws Exception {
        // RFC 9112 §6.1: chunked is HTTP/1.1 only; an HTTP/1.0 body of unknown length ends with the connection.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertNull(res.header("Transfer-Encoding"));
            assertNull(res.header("Content-Length"));
            assertEquals("streamed body", res.text(), "read to the end of the stream");
        }
    }

    @Test
    void honoursConnectionClose() throws Exception {
        // RFC 9112 §9.6: the server closes after responding to a request with "close".
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

            RawResponse res = c.read();
            assertEquals("hello HTTP/1.1", res.text());
            assertEquals("close", res.header("Connection"));
            c.assertClosedByServer();
        }
    }

    @Test
    void honoursCloseAmongOtherConnectionOptions() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: TE, Close\r\n\r\n");

            assertEquals("close", c.read().header("Connection"));
            c.assertClosedByServer();
        }
    }

    @Test
    void endsAStreamedResponseWithTheLastChunkOnHttp11() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse res = c.read();

            assertEquals("chunked", res.header("Transfer-Encoding"));
            assertEquals("streamed body", res.text());
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello HTTP/1.1", c.read().text());
        }
    }
}
