package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A thousand kept-alive connections at once: each is its own actor, so a thousand
 * handlers can block together and every connection then carries a second request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
    private static final int CONNECTIONS = 1000;

    private final CountDownLatch allArrived = new CountDownLatch(CONNECTIONS);
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/together/{id}", (req, res) -> {
                            // Answers only once every connection's request is inside a handler at the same time.
                            allArrived.countDown();
                            boolean together = allArrived.await(25, TimeUnit.SECONDS);
                            res.send((together ? "round 1 " : "alone ") + req.pathParam("id")
                                    + " from " + req.remoteAddress().getPort());
                        })
                        .get("/again/{id}", (req, res) ->
                                res.send("round 2 " + req.pathParam("id") + " from " + req.remoteAddress().getPort())))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void servesAThousandKeptAliveConnectionsAtOnce() throws Exception {
        List<RawClient> clients = new ArrayList<>(CONNECTIONS);
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                // The first answers wait for all the requests, which a loaded machine may take a while to send.
                clients.add(RawClient.connect(server.port()).readTimeout(Duration.ofSeconds(30)));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).send("GET /together/" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            assertRound(clients, "round 1");
            Await.until(() -> server.stats().connectionsOpen() == CONNECTIONS, Duration.ofSeconds(5),
                    () -> "every connection stays open between requests: " + server.stats());

            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).send("GET /again/" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            assertRound(clients, "round 2");
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }

        assertEquals(CONNECTIONS, server.stats().connectionsAccepted());
        assertEquals(2L * CONNECTIONS, server.stats().responses(2));
        assertEquals(0, server.stats().errors());
    }

    private static void assertRound(List<RawClient> clients, String round) throws IOException {
        for (int i = 0; i < clients.size(); i++) {
            RawClient c = clients.get(i);
            RawResponse res = c.read();
            assertEquals(200, res.status(), round + ", connection " + i);
            // The port proves the answer came back on the connection that asked: kept alive, not reopened.
            assertEquals(round + " " + i + " from " + c.localPort(), res.text());
        }
    }
}
