package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import io.shockwave.transport.tcp.TcpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On Linux the TCP transport drives sockets through epoll, and a connection that stays
 * idle gives its virtual thread back: it is then served again, timed out, or closed by a
 * stopping server without one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleSuspensionTest {
    private static final int CONNECTIONS = 200;
    private static final String GET = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    private Server server;
    private final List<RawClient> clients = new ArrayList<>();

    private void start(Timeouts timeouts) {
        assumeTrue(TcpTransport.usesEpoll(), "the epoll transport is off or unavailable here");
        server = Server.builder()
                .http("127.0.0.1", 0)
                .timeouts(timeouts)
                .routes(r -> r.get("/hello", (req, res) -> res.send("hello")))
                .start();
    }

    @AfterEach
    void stop() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private RawClient connectAndAsk() throws IOException {
        RawClient c = RawClient.connect(server.port());
        clients.add(c);
        assertEquals("hello", c.send(GET).read().text());
        return c;
    }

    private void awaitSuspended(int n) {
        Await.until(() -> server.stats().connectionsSuspended() == n, Duration.ofSeconds(10),
                () -> "suspended: " + server.stats().connectionsSuspended() + " of " + n);
    }

    @Test
    void theEpollTransportIsUsedOnLinux() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"));
        assumeTrue(Boolean.parseBoolean(System.getProperty(TcpTransport.EPOLL_PROPERTY, "true")));
        assertTrue(TcpTransport.usesEpoll(), "native access is needed: --enable-native-access=ALL-UNNAMED");
    }

    @Test
    void idleConnectionsGiveTheirThreadBackAndAreServedAgain() throws IOException {
        start(Timeouts.DEFAULT);
        for (int i = 0; i < CONNECTIONS; i++) {
            connectAndAsk();
        }
        awaitSuspended(CONNECTIONS);
        for (RawClient c : clients) {
            assertEquals("hello", c.send(GET + GET).read().text());
            assertEquals("hello", c.read().text());
        }
        assertEquals(CONNECTIONS, server.stats().connectionsOpen());
        awaitSuspended(CONNECTIONS);
        assertEquals(3L * CONNECTIONS, server.stats().requests());
    }

    @Test
    void aSuspendedConnectionIsClosedOnceTheIdleTimeoutPasses() throws IOException {
        start(Timeouts.DEFAULT.withIdle(Duration.ofMillis(1500)));
        long start = System.nanoTime();
        RawClient c = connectAndAsk();
        awaitSuspended(1);
        c.readTimeout(Duration.ofSeconds(10)).assertClosedByServer();
        long idleMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(idleMillis >= 1400, "closed after " + idleMillis + " ms, before the idle timeout");
        Await.until(() -> server.stats().connectionsOpen() == 0, Duration.ofSeconds(5),
                () -> "open: " + server.stats().connectionsOpen());
        assertEquals(0, server.stats().connectionsSuspended());
    }

    @Test
    void stopClosesSuspendedConnectionsWithoutWaitingForTheGrace() throws IOException {
        start(Timeouts.DEFAULT);
        for (int i = 0; i < CONNECTIONS; i++) {
            connectAndAsk();
        }
        awaitSuspended(CONNECTIONS);
        long start = System.nanoTime();
        server.stop(Duration.ofSeconds(20));
        long stopMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(stopMillis < 5_000, "stop took " + stopMillis + " ms");
        for (RawClient c : clients) {
            c.assertClosedByServer();
        }
        assertEquals(0, server.stats().connectionsOpen());
        assertEquals(0, server.stats().connectionsSuspended());
    }
}
