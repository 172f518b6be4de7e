package io.shockwave.tests;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shockwave.metrics.micrometer.ShockwaveMetrics;
import io.shockwave.runtime.Server;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Micrometer meters follow what happens on the wire, on every protocol. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest {
    @TempDir
    Path dir;

    private static double value(MeterRegistry registry, String name, String... tags) {
        var search = registry.find(name).tags(tags);
        if (search.counter() != null) {
            return search.counter().count();
        }
        if (search.functionCounter() != null) {
            return search.functionCounter().count();
        }
        if (search.gauge() != null) {
            return search.gauge().value();
        }
        if (search.timer() != null) {
            return search.timer().count();
        }
        throw new AssertionError("no meter " + name + " " + String.join(",", tags));
    }

    @Test
    void metersFollowTheWire() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        ShockwaveMetrics metrics = new ShockwaveMetrics(registry);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Server server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .observer(metrics)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("Hello"))
                        .get("/missing-here", (req, res) -> res.status(404).send("no"))
                        .get("/block", (req, res) -> {
                            blocked.countDown();
                            release.await(30, TimeUnit.SECONDS);
                            res.send("late");
                        })
                        .get("/abort", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("partial".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            throw new IllegalStateException("failed after the response started");
                        }))
                .start();
        metrics.monitor(server);
        try {
            for (int i = 0; i < 3; i++) {
                Clients.send(server, Protocol.HTTP_1_1, request("/hello"));
            }
            Clients.send(server, Protocol.HTTP_1_1, request("/missing-here"));
            assertEquals(3.0, value(registry, "shockwave.responses", "protocol", "HTTP/1.1", "status", "2xx"));
            assertEquals(1.0, value(registry, "shockwave.responses", "protocol", "HTTP/1.1", "status", "4xx"));
            assertEquals(4.0, value(registry, "shockwave.request.duration", "protocol", "HTTP/1.1"));
            Clients.send(server, Protocol.HTTP_2, request("/hello"));
            Clients.send(server, Protocol.HTTP_3, request("/hello"));
            assertEquals(1.0, value(registry, "shockwave.responses", "protocol", "HTTP/2", "status", "2xx"));
            assertEquals(1.0, value(registry, "shockwave.responses", "protocol", "HTTP/3", "status", "2xx"));

            Tool.find("curl").run(dir, 30, "-s", "http://127.0.0.1:" + server.port() + "/abort");
            Await.until(() -> value(registry, "shockwave.responses.aborted", "protocol", "HTTP/1.1") == 1.0,
                    Duration.ofSeconds(10), () -> "the aborted response was not counted");

            try (FrameClient h2 = FrameClient.connect(server.port())) {
                h2.get(1, "/block");
                assertEquals(true, blocked.await(10, TimeUnit.SECONDS));
                assertEquals(1.0, value(registry, "shockwave.streams.open", "protocol", "HTTP/2"));
                h2.frame(FrameClient.RST_STREAM, 0, 1, FrameClient.intPayload(FrameClient.CANCEL));
                Await.until(() -> value(registry, "shockwave.resets.received", "protocol", "HTTP/2") == 1.0,
                        Duration.ofSeconds(10), () -> "the client's reset was not counted");
                release.countDown();
                Await.until(() -> value(registry, "shockwave.streams.open", "protocol", "HTTP/2") == 0.0,
                        Duration.ofSeconds(10), () -> "the stream stayed open");
                byte[] goAway = new byte[8];
                h2.frame(FrameClient.GOAWAY, 0, 0, goAway);
                Await.until(() -> value(registry, "shockwave.goaways.received", "protocol", "HTTP/2") == 1.0,
                        Duration.ofSeconds(10), () -> "the client's GOAWAY was not counted");
                Await.until(() -> value(registry, "shockwave.goaways.sent", "protocol", "HTTP/2") >= 1.0,
                        Duration.ofSeconds(10), () -> "the server's GOAWAY was not counted");
            }
            assertEquals(0.0, value(registry, "shockwave.streams.open", "protocol", "HTTP/3"));
            assertEquals(true, value(registry, "shockwave.bytes.out") > 0);
            assertEquals(true, value(registry, "shockwave.connections.accepted") >= 6);
        } finally {
            release.countDown();
            server.stop(Duration.ofSeconds(2));
        }
    }
}
