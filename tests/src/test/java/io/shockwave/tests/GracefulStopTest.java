package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Server.stop(grace)}: no new connections, idle ones closed, requests in flight finished. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GracefulStopTest {
    private static final int IN_FLIGHT = 5;

    private final CountDownLatch entered = new CountDownLatch(IN_FLIGHT);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger completed = new AtomicInteger();
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello"))
                        .get("/busy/{id}", (req, res) -> {
                            entered.countDown();
                            boolean released = release.await(10, TimeUnit.SECONDS);
                            res.send((released ? "finished " : "never released ") + req.pathParam("id"));
                            completed.incrementAndGet();
                        })
                        .get("/work", (req, res) -> {
                            Thread.sleep(500); // a handler doing half a second of work
                            res.send("worked");
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(Duration.ofSeconds(5));
    }

    private CompletableFuture<Long> stopInBackground(Duration grace) {
        CompletableFuture<Long> took = new CompletableFuture<>();
        Thread.ofPlatform().name("test-stopper").start(() -> {
            long start = System.nanoTime();
            server.stop(grace);
            took.complete((System.nanoTime() - start) / 1_000_000);
        });
        return took;
    }

    private static void assertRefused(InetSocketAddress address) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(address, 2000);
            }
        }, "a stopped server accepts no new connection");
    }

    @Test
    void finishesRequestsInFlightClosesIdleConnectionsAndRefusesNewOnes() throws Exception {
        InetSocketAddress address = server.addresses().getFirst();
        List<RawClient> busy = new ArrayList<>();
        try (RawClient idle = RawClient.connect(server.port())) {
            idle.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello", idle.read().text());
            for (int i = 0; i < IN_FLIGHT; i++) {
                busy.add(RawClient.connect(server.port()));
                busy.getLast().send("GET /busy/" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            assertTrue(entered.await(5, TimeUnit.SECONDS), "every request is inside its handler");

            CompletableFuture<Long> stopped = stopInBackground(Duration.ofSeconds(5));

            // The idle connection is closed at once, while the busy ones are still working.
            idle.assertClosedByServer();
            assertRefused(address);
            assertEquals(0, completed.get());
            assertFalse(stopped.isDone(), "stop() waits for the requests in flight");

            release.countDown();
            for (int i = 0; i < IN_FLIGHT; i++) {
                RawClient c = busy.get(i);
                RawResponse res = c.read();
                assertEquals(200, res.status());
                assertEquals("finished " + i, res.text());
                assertEquals("close", res.header("Connection"), "a stopping server keeps no connection alive");
                c.assertClosedByServer();
            }
            long tookMillis = stopped.get(5, TimeUnit.SECONDS);
            assertTrue(tookMillis < 5000, "stop() returned when the last request finished, not at the grace: "
                    + tookMillis);
            assertEquals(IN_FLIGHT, completed.get());
            assertEquals(0, server.stats().connectionsOpen());
        } finally {
            for (RawClient c : busy) {
                c.close();
            }
        }
    }

    @Test
    void letsAHandlerThatIsWorkingFinishItsResponse() throws Exception {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(RawClient.connect(server.port()));
                clients.getLast().send("GET /work HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            Await.until(() -> server.stats().requests() == 3, Duration.ofSeconds(5), () -> "requests not started");

            CompletableFuture<Long> stopped = stopInBackground(Duration.ofSeconds(5));

            for (RawClient c : clients) {
                RawResponse res = c.read();
                assertEquals(200, res.status());
                assertEquals("worked", res.text());
                c.assertClosedByServer();
            }
            stopped.get(5, TimeUnit.SECONDS);
            assertEquals(0, server.stats().connectionsOpen());
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void closesConnectionsStillBusyWhenTheGraceRunsOut() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /busy/0 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Await.until(() -> entered.getCount() == IN_FLIGHT - 1, Duration.ofSeconds(5), () -> "handler not entered");

            long tookMillis = stopInBackground(Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);

            assertTrue(tookMillis >= 250 && tookMillis < 3000, "stop() took " + tookMillis + " ms for a 300 ms grace");
            assertThrows(IOException.class, c::read, "the busy connection was closed without a response");
        }
        assertRefused(server.addresses().getFirst());
    }

    @Test
    void stopIsIdempotent() {
        server.stop(Duration.ofSeconds(1));
        server.stop(Duration.ofSeconds(1));
        assertRefused(server.addresses().getFirst());
    }
}
