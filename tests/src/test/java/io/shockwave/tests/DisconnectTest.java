package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that vanish part-way: the connection ends without a fuss (no error counted,
 * nothing left open), and the server goes on serving everyone else.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DisconnectTest {
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final byte[] BLOCK = new byte[64 * 1024];

    private final CompletableFuture<Throwable> bodyFailure = new CompletableFuture<>();
    private final CompletableFuture<Throwable> writeFailure = new CompletableFuture<>();
    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private final CompletableFuture<Void> slowDone = new CompletableFuture<>();
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello"))
                        .post("/upload", (req, res) -> {
                            try {
                                res.send("got " + req.bodyBytes().length);
                            } catch (IOException e) {
                                bodyFailure.complete(e);
                                throw e;
                            }
                        })
                        .get("/endless", (req, res) -> {
                            OutputStream out = res.output();
                            try {
                                // Bounded, so a server that never notices the client left still ends the test.
                                for (int i = 0; i < 16 * 1024; i++) {
                                    out.write(BLOCK);
                                }
                                writeFailure.complete(null);
                            } catch (IOException e) {
                                writeFailure.complete(e);
                                throw e;
                            }
                        })
                        .get("/slow", (req, res) -> {
                            slowEntered.countDown();
                            slowRelease.await(10, TimeUnit.SECONDS);
                            res.send("late");
                            slowDone.complete(null);
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        server.stop(Duration.ofSeconds(5));
    }

    /** The server holds no connection, counted no error, and serves a new client. */
    private void assertEndedQuietlyAndStillServing() throws IOException {
        Await.until(() -> server.stats().connectionsOpen() == 0, SETTLE,
                () -> "connections still open: " + server.stats());
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello", c.read().text());
        }
        Await.until(() -> server.stats().connectionsOpen() == 0, SETTLE,
                () -> "connections still open: " + server.stats());
        assertEquals(0, server.stats().errors(), () -> "a client leaving is not a server error: " + server.stats());
    }

    @Test
    void endsQuietlyWhenClientLeavesMidHead() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: local");
            Await.until(() -> server.stats().bytesIn() > 0, SETTLE, () -> "the server never read the half head");
        }

        assertEndedQuietlyAndStillServing();
        assertEquals(1, server.stats().requests(), "only the fresh client's request was complete");
    }

    @Test
    void endsQuietlyWhenClientLeavesMidBody() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(400));
            Await.until(() -> server.stats().requests() == 1, SETTLE, () -> "the request never started");
        }

        Throwable failure = bodyFailure.get(5, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, failure, "the handler learns the body was cut short");
        assertEndedQuietlyAndStillServing();
    }

    @Test
    void endsQuietlyWhenClientLeavesMidChunkedBody() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "10\r\n0123456789abcdef\r\n20\r\nonly part of it");
            Await.until(() -> server.stats().requests() == 1, SETTLE, () -> "the request never started");
        }

        assertInstanceOf(IOException.class, bodyFailure.get(5, TimeUnit.SECONDS));
        assertEndedQuietlyAndStillServing();
    }

    @Test
    void endsQuietlyWhenClientLeavesMidResponse() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /endless HTTP/1.1\r\nHost: localhost\r\n\r\n");
            byte[] some = new byte[8192];
            long received = 0;
            while (received < 256 * 1024) {
                int n = c.readRaw(some, some.length);
                assertTrue(n > 0, "the stream ended early");
                received += n;
            }
        }

        Throwable failure = writeFailure.get(5, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, failure, "the handler's write fails once the client is gone");
        assertEndedQuietlyAndStillServing();
    }

    @Test
    void endsQuietlyWhenClientLeavesWhileTheHandlerWorks() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(slowEntered.await(5, TimeUnit.SECONDS));
        }
        slowRelease.countDown();

        slowDone.get(5, TimeUnit.SECONDS);
        assertEndedQuietlyAndStillServing();
    }

    @Test
    void servesOthersWhileManyClientsLeaveMidRequest() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> served = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                pool.submit(() -> {
                    try (RawClient c = RawClient.connect(server.port())) {
                        c.send(n % 2 == 0
                                ? "GET /hello HTTP/1.1\r\nHost: loc"
                                : "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99\r\n\r\nabc");
                    }
                    return null;
                });
                served.add(pool.submit(() -> {
                    try (RawClient c = RawClient.connect(server.port())) {
                        c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                        return c.read().text();
                    }
                }));
            }
            for (Future<String> f : served) {
                assertEquals("hello", f.get(10, TimeUnit.SECONDS));
            }
        }

        assertEndedQuietlyAndStillServing();
    }
}
