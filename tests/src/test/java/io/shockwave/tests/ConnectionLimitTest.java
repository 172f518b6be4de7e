package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Limits#maxConnections()}: past it a connection gets 503 and is closed (RFC 9110 §15.6.4). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionLimitTest {
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .limits(Limits.DEFAULT.withMaxConnections(2))
                .routes(r -> r.get("/hello", (req, res) -> res.send("hello")))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private static void assertServed(RawClient c) throws Exception {
        c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals("hello", c.read().text());
    }

    @Test
    void answersAConnectionOverTheLimitWith503() throws Exception {
        try (RawClient first = RawClient.connect(server.port());
             RawClient second = RawClient.connect(server.port())) {
            assertServed(first);
            assertServed(second);

            try (RawClient third = RawClient.connect(server.port())) {
                RawResponse res = third.read();
                assertEquals(503, res.status());
                assertEquals("close", res.header("Connection"));
                third.assertClosedByServer();
            }

            // The two within the limit are untouched.
            assertServed(first);
            assertServed(second);
            assertEquals(1, server.stats().connectionsRejected());
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
