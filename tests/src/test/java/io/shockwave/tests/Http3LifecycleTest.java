package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.flupke.Http3ClientBuilder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/3 connections in the server's life-cycle: graceful stop, and the connection limit. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http3LifecycleTest {
    private static HttpClient flupke() {
        return new Http3ClientBuilder().disableCertificateCheck().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpRequest get(Server server, String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.http3Port() + path))
                .timeout(Duration.ofSeconds(30)).build();
    }

    /** A request in flight when stop() begins is answered in full; stop() then returns. */
    @Test
    void gracefulStopLetsARequestInFlightFinish() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Server server = Server.builder().https("127.0.0.1", 0)
                .routes(r -> r.get("/wait", (req, res) -> {
                    entered.countDown();
                    release.await();
                    res.send("finished");
                }))
                .start();
        try {
            CompletableFuture<HttpResponse<String>> inFlight = flupke().sendAsync(get(server, "/wait"),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the request never reached its handler");
            Thread stopper = Thread.ofVirtual().start(() -> server.stop(Duration.ofSeconds(20)));
            // The handler finishes only once stop() has sent GOAWAY and waits for the connection.
            Await.until(() -> java.util.Arrays.stream(stopper.getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("awaitDrained")), Duration.ofSeconds(10),
                    () -> "stop() never began to wait for the connections");
            release.countDown();
            HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("finished", r.body());
            stopper.join(Duration.ofSeconds(30));
            assertTrue(!stopper.isAlive(), "stop() did not return");
            assertEquals(0, server.stats().connectionsOpen());
        } finally {
            release.countDown();
            server.stop(Duration.ofSeconds(1));
        }
    }

    /** Beyond maxConnections, with every connection busy, a new QUIC connection is refused and the others serve on. */
    @Test
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        refusesASecondConnection(Limits.DEFAULT.withMaxConnections(1));
    }

    /** QUIC has a lower limit of its own (Kwik's threads per connection): beyond it, refused even when TCP has room. */
    @Test
    void quicConnectionsBeyondTheirOwnLimitAreRefused() throws Exception {
        refusesASecondConnection(Limits.DEFAULT.withMaxQuicConnections(1));
    }

    private static void refusesASecondConnection(Limits limits) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Server server = Server.builder().https("127.0.0.1", 0)
                .limits(limits)
                .routes(r -> r
                        .get("/wait", (req, res) -> {
                            entered.countDown();
                            release.await();
                            res.send("finished");
                        }))
                .start();
        try {
            CompletableFuture<HttpResponse<String>> busy = flupke().sendAsync(get(server, "/wait"),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the first request never reached its handler");
            CompletableFuture<HttpResponse<String>> refused = flupke().sendAsync(get(server, "/wait"),
                    HttpResponse.BodyHandlers.ofString());
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
            assertTrue(server.stats().connectionsRejected() >= 1, "no rejection counted: " + e.getCause());
            release.countDown();
            assertEquals("finished", busy.get(30, TimeUnit.SECONDS).body());
        } finally {
            release.countDown();
            server.stop(Duration.ofSeconds(1));
        }
    }
}
