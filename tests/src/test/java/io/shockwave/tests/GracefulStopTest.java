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
    private final CountDownLatch working = new CountDownLatch(3);
    private final CountDownLatch stopCalled = new CountDownLatch(1);
    private Server server;
    private Thread stopper;

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
                            working.countDown();
                            // working until the test has called stop(): a request in flight, for sure
                            boolean stopping = stopCalled.await(10, TimeUnit.SECONDS);
                            res.send(stopping ? "worked" : "stop never came");
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
        stopper = Thread.ofPlatform().name("test-stopper").start(() -> {
            long start = System.nanoTime();
            stopCalled.countDown(); // the handlers finish after this: stop() was called while they worked
            server.stop(grace);
            took.complete((System.nanoTime() - start) / 1_000_000);
        });
        return took;
    }

    /**
     * Waits until stop() has asked every connection to close and waits for them to finish:
     * its thread is inside the server's wait for the last connection.
     */
    private void awaitDraining() {
        Await.until(() -> java.util.Arrays.stream(stopper.getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("awaitDrained")), Duration.ofSeconds(10),
                () -> "stop() never began to wait for the connections");
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

            CompletableFuture<Long> stopped = stopInBackground(Duration.ofSeconds(60));

            // The idle connection is closed at once, while the busy ones are still working.
            idle.assertClosedByServer();
            assertRefused(address);
            assertEquals(0, completed.get());
            assertFalse(stopped.isDone(), "stop() waits for the requests in flight");

            // Released only once stop() has asked every connection to close: the idle one may
            // be asked first, and a handler let go before its own connection was asked would
            // rightly answer keep-alive.
            awaitDraining();
            release.countDown();
            for (int i = 0; i < IN_FLIGHT; i++) {
                RawClient c = busy.get(i);
                RawResponse res = c.read();
                assertEquals(200, res.status());
                assertEquals("finished " + i, res.text());
                assertEquals("close", res.header("Connection"), "a stopping server keeps no connection alive");
                c.assertClosedByServer();
            }
            // Returned when the last request finished, long before the 60 s grace.
            stopped.get(20, TimeUnit.SECONDS);
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
            assertTrue(working.await(10, TimeUnit.SECONDS), "every request is inside its handler");

            CompletableFuture<Long> stopped = stopInBackground(Duration.ofSeconds(60));

            for (RawClient c : clients) {
                RawResponse res = c.read();
                assertEquals(200, res.status());
                assertEquals("worked", res.text());
                c.assertClosedByServer();
            }
            stopped.get(20, TimeUnit.SECONDS); // long before the grace: it returned once the work was done
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

            // At least the grace; at most the grace and the short wait after the forced close, with a
            // wide margin for a loaded machine.
            assertTrue(tookMillis >= 250 && tookMillis < 15_000, "stop() took " + tookMillis + " ms for a 300 ms grace");
            assertThrows(IOException.class, c::read, "the busy connection was closed without a response");
        }
        assertRefused(server.addresses().getFirst());
    }

    @Test
    void answersThePipelinedRequestsItHasReadAndMarksTheLastClose() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            // One write: the server reads all three together, the first one blocks in its handler.
            c.send("GET /busy/0 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Await.until(() -> entered.getCount() == IN_FLIGHT - 1, Duration.ofSeconds(10), () -> "handler not entered");
            CompletableFuture<Long> stopped = stopInBackground(Duration.ofSeconds(60));
            awaitDraining();
            release.countDown();

            RawResponse first = c.read();
            assertEquals("finished 0", first.text());
            assertEquals(null, first.header("Connection"), "more requests follow: not the last response");
            RawResponse second = c.read();
            assertEquals("hello", second.text());
            RawResponse last = c.read();
            assertEquals("hello", last.text());
            assertEquals("close", last.header("Connection"));
            c.assertClosedByServer();
            stopped.get(20, TimeUnit.SECONDS);
        }
    }

    /**
     * 32 keep-alive clients in a tight loop while the server stops: every request the server
     * read is answered, each connection ends with a clean close (no reset), and a client
     * loses at most the one request it sent as the server closed its idle connection.
     */
    @Test
    void underLoadEveryRequestTheServerReadIsAnsweredAndEveryConnectionEndsCleanly() throws Exception {
        int clients = 32;
        CountDownLatch warmedUp = new CountDownLatch(2_000);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        AtomicInteger endedWithClose = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (RawClient c = RawClient.connect(server.port())) {
                    c.readTimeout(Duration.ofSeconds(20));
                    while (true) {
                        try {
                            c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                        } catch (IOException e) {
                            failures.add(e); // the server reset the connection
                            return;
                        }
                        RawResponse res;
                        try {
                            res = c.read();
                        } catch (java.io.EOFException e) {
                            unanswered.incrementAndGet(); // closed while idle, as this request came
                            return;
                        }
                        answered.incrementAndGet();
                        warmedUp.countDown();
                        if ("close".equals(res.header("Connection"))) {
                            endedWithClose.incrementAndGet();
                            c.assertClosedByServer();
                            return;
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        assertTrue(warmedUp.await(20, TimeUnit.SECONDS), "the clients are running");
        stopInBackground(Duration.ofSeconds(60)).get(25, TimeUnit.SECONDS);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(25));
        }
        assertEquals(List.of(), failures, "no reset, no timeout");
        assertEquals(clients, endedWithClose.get() + unanswered.get(), "every client saw its connection end");
        assertEquals(server.stats().requests(), answered.get(), "every request the server read was answered");
    }

    @Test
    void stopIsIdempotent() {
        server.stop(Duration.ofSeconds(1));
        server.stop(Duration.ofSeconds(1));
        assertRefused(server.addresses().getFirst());
    }
}
