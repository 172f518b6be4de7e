package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Limits#maxConnections()}: at the limit the longest-idle keep-alive connection is
 * closed to admit a new one (as nginx does); only when every connection is busy is the
 * new one answered 503 and closed (RFC 9110 §15.6.4).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLimitTest {
    private final Semaphore entered = new Semaphore(0);
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .limits(Limits.DEFAULT.withMaxConnections(2))
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello"))
                        .get("/busy", (req, res) -> {
                            entered.release();
                            res.send(release.await(20, TimeUnit.SECONDS) ? "done" : "never released");
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(Duration.ofSeconds(5));
    }

    private static void assertServed(RawClient c) throws Exception {
        c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals("hello", c.read().text());
    }

    @Test
    void atTheLimitTheLongestIdleConnectionMakesRoomForANewOne() throws Exception {
        try (RawClient first = RawClient.connect(server.port());
             RawClient second = RawClient.connect(server.port())) {
            assertServed(first);
            assertServed(second); // idle for less time than the first

            try (RawClient third = RawClient.connect(server.port())) {
                assertServed(third);
            }
            first.assertClosedByServer(); // with a FIN: a reset would fail the assertion
            assertServed(second);
            assertEquals(0, server.stats().connectionsRejected());
        }
    }

    @Test
    void answersANewConnectionWith503OnlyWhenEveryConnectionIsBusy() throws Exception {
        try (RawClient first = RawClient.connect(server.port());
             RawClient second = RawClient.connect(server.port())) {
            first.send("GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n");
            second.send("GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(entered.tryAcquire(2, 10, TimeUnit.SECONDS), "both connections are inside their handler");

            try (RawClient third = RawClient.connect(server.port())) {
                RawResponse res = third.read();
                assertEquals(503, res.status());
                assertEquals("close", res.header("Connection"));
                third.assertClosedByServer();
            }
            assertEquals(1, server.stats().connectionsRejected());

            // The two within the limit are untouched.
            release.countDown();
            assertEquals("done", first.read().text());
            assertEquals("done", second.read().text());
            assertServed(first);
            assertServed(second);
        }
    }

    @Test
    void acceptsAgainOnceAConnectionCloses() throws Exception {
        try (RawClient staying = RawClient.connect(server.port())) {
            try (RawClient leaving = RawClient.connect(server.port())) {
                assertServed(staying);
                assertServed(leaving);
            }
            Await.until(() -> server.stats().connectionsOpen() == 1, Duration.ofSeconds(5),
                    () -> "the closed connection is still counted: " + server.stats());

            try (RawClient third = RawClient.connect(server.port())) {
                assertServed(third);
            }
        }
        assertEquals(0, server.stats().connectionsRejected());
    }
}
