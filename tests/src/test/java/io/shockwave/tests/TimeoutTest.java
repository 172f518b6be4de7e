package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that go quiet: the server lets go of them after its timeouts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withIdle(SHORT).withBodyRead(SHORT).withRequestHead(SHORT))
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello"))
                        .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                        .post("/ignore", (req, res) -> res.send("not reading that")))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void closesAnIdleKeptAliveConnection() throws Exception {
        // RFC 9112 §9.8: a server may close an idle connection at any time; it does so after Timeouts.idle.
        try (RawClient c = RawClient.connect(server.port())) {
            long start = System.nanoTime(); // before the server can have started its idle clock
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello", c.read().text());

            c.assertClosedByServer();
            long idleMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(idleMillis >= 290, "closed after " + idleMillis + " ms, before the idle timeout");
        }
        Await.until(() -> server.stats().connectionsOpen() == 0, Duration.ofSeconds(5), () -> server.stats().toString());
    }

    @Test
    void closesAFreshConnectionThatSendsNothingAfterTheHeadTimeoutNotTheIdleTimeout() throws Exception {
        Server patient = Server.builder()
                .http("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withIdle(Duration.ofMinutes(5)).withRequestHead(SHORT))
                .routes(r -> r.get("/hello", (req, res) -> res.send("hello")))
                .start();
        try (RawClient c = RawClient.connect(patient.port())) {
            long start = System.nanoTime();
            // Far less than the idle timeout: a SocketTimeoutException here means the server waited for that.
            c.readTimeout(Duration.ofSeconds(20));
            c.assertClosedByServer(); // nothing: a client that never spoke gets no 408
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 250, "closed after " + waitedMillis + " ms, before the head timeout");
        } finally {
            patient.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void answersAStalledBodyWith408AndCloses() throws Exception {
        // RFC 9110 §15.5.9: 408 when the server would not wait any longer for the request content.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly ten..");

            RawResponse res = c.read();
            assertEquals(408, res.status());
            assertEquals("close", res.header("Connection"));
            c.assertClosedByServer();
        }
        Await.until(() -> server.stats().connectionsOpen() == 0, Duration.ofSeconds(5), () -> server.stats().toString());
    }

    @Test
    void answersAStalledChunkedBodyWith408AndCloses() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");

            RawResponse res = c.read();
            assertEquals(408, res.status());
            c.assertClosedByServer();
        }
    }

    @Test
    void closesQuietlyWhenAnUnreadBodyStalls() throws Exception {
        // The handler answered without reading; the rest of the body never comes: close, no error.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly ten..");

            RawResponse res = c.read();
            assertEquals(200, res.status());
            assertEquals("not reading that", res.text());
            c.assertClosedByServer();
        }
        Await.until(() -> server.stats().connectionsOpen() == 0, Duration.ofSeconds(5), () -> server.stats().toString());
        assertEquals(0, server.stats().errors(), () -> "the handler did nothing wrong: " + server.stats());
    }
}
