package io.shockwave.tests;

import io.shockwave.runtime.Health;
import io.shockwave.runtime.Server;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Readiness follows the server and its checks, and turns to 503 as soon as stop() begins,
 * while the server, for its stop delay, still serves everything else, on every protocol.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HealthTest {

    @Test
    void readinessTurnsTo503WhenStopBeginsWhileTheServerStillServes() throws Exception {
        AtomicBoolean database = new AtomicBoolean(true);
        Health health = new Health().check("database", database::get);
        assertFalse(health.isReady()); // no server serves yet
        assertFalse(health.isStopping()); // nor stops: a stream that began meanwhile must not end at once
        Server server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .health(health)
                .stopDelay(Duration.ofMinutes(5)) // cut short below by interrupting stop()
                .routes(r -> r
                        .get("/health/live", health.live())
                        .get("/health/ready", health.ready())
                        .get("/work", (req, res) -> res.send("done")))
                .start();
        Thread stopping = null;
        try {
            for (Protocol p : Protocol.values()) {
                HttpResponse<String> ready = Clients.send(server, p, request("/health/ready"));
                assertEquals(200, ready.statusCode(), p.name());
                assertEquals("{\"status\":\"UP\"}", ready.body());
                assertEquals("no-store", ready.headers().firstValue("cache-control").orElse(null));
            }
            database.set(false);
            HttpResponse<String> failing = Clients.send(server, Protocol.HTTP_1_1, request("/health/ready"));
            assertEquals(503, failing.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"failing\":[\"database\"]}", failing.body());
            database.set(true);

            stopping = Thread.ofPlatform().start(() -> server.stop(Duration.ofSeconds(5)));
            assertFalse(health.isStopping());
            Await.until(health::isStopping, Duration.ofSeconds(10), () -> "readiness did not turn");
            assertFalse(health.isReady());
            for (Protocol p : Protocol.values()) {
                HttpResponse<String> ready = Clients.send(server, p, request("/health/ready"));
                assertEquals(503, ready.statusCode(), p.name());
                assertEquals("{\"status\":\"DOWN\",\"reason\":\"stopping\"}", ready.body());
                assertEquals(200, Clients.send(server, p, request("/health/live")).statusCode(), p.name());
                assertEquals("done", Clients.send(server, p, request("/work")).body(), p.name());
            }
        } finally {
            if (stopping != null) {
                stopping.interrupt();
                stopping.join();
            } else {
                server.stop(Duration.ofSeconds(1));
            }
        }
        assertFalse(health.isReady());
    }
}
