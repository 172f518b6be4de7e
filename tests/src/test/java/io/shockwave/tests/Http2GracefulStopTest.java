package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.FrameClient.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9113 §6.8: a server that stops says GOAWAY, finishes the streams it took on, then closes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2GracefulStopTest {
    @Test
    void stopFinishesStreamsInFlightAndLosesNone() throws Exception {
        CountDownLatch started = new CountDownLatch(10);
        CountDownLatch release = new CountDownLatch(1);
        Server server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r.get("/slow/{i}", (req, res) -> {
                    started.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    res.send("done " + req.pathParam("i"));
                }))
                .start();
        try (FrameClient c = FrameClient.connect(server.port())) {
            for (int i = 0; i < 10; i++) {
                c.get(1 + 2 * i, "/slow/" + i);
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(20)));

            Frame goAway = c.expect(GOAWAY);
            assertEquals(NO_ERROR, goAway.errorCode());
            int lastStreamId = (goAway.payload()[0] & 0x7F) << 24 | (goAway.payload()[1] & 0xFF) << 16
                    | (goAway.payload()[2] & 0xFF) << 8 | (goAway.payload()[3] & 0xFF);
            assertEquals(19, lastStreamId, "GOAWAY names the last stream taken on");

            // A stream opened after GOAWAY is not served.
            c.get(21, "/slow/late");
            release.countDown();
            for (int i = 0; i < 10; i++) {
                Response r = c.response(1 + 2 * i);
                assertEquals("200", r.status());
                assertEquals("done " + i, r.text());
            }
            c.assertClosed();
            stopping.get(20, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void stopClosesAnIdleConnectionWithGoAway() throws IOException {
        Server server = Server.builder().http("127.0.0.1", 0)
                .routes(r -> r.get("/hello", (req, res) -> res.send("hello"))).start();
        try (FrameClient c = FrameClient.connect(server.port())) {
            c.get(1, "/hello");
            assertEquals("hello", c.response(1).text());
            server.stop(Duration.ofSeconds(5));
            Frame goAway = c.expect(GOAWAY);
            assertEquals(NO_ERROR, goAway.errorCode());
            c.assertClosed();
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }
}
