package io.shockwave.tests;

import io.shockwave.runtime.DataRate;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.FrameClient.Response;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The request body's minimum rate on HTTP/2: a client that drips its body, a byte at a
 * time, each well inside the body timeout, is answered 408 once the grace has passed,
 * and the connection serves on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2DataRateTest {
    @Test
    void drippedBodyGets408() throws Exception {
        Server server = Server.builder().http("127.0.0.1", 0)
                .limits(Limits.DEFAULT.withMinRequestBodyRate(DataRate.of(1000, Duration.ofMillis(300))))
                .routes(r -> r
                        .post("/count", (req, res) -> {
                            long n = 0;
                            try (InputStream in = req.body()) {
                                while (in.read() >= 0) {
                                    n++;
                                }
                            }
                            res.send(Long.toString(n));
                        })
                        .get("/hello", (req, res) -> res.send("hello")))
                .start();
        try (FrameClient c = FrameClient.connect(server.port())) {
            c.headers(1, false, c.request("POST", "/count", "content-length", "100"));
            // About 20 bytes/s against a minimum of 1,000: the client, not the test, is slow.
            for (int i = 0; i < 30; i++) {
                c.data(1, false, new byte[] {1});
                Thread.sleep(50);
            }
            Response r = c.response(1);
            assertEquals("408", r.status(), r.toString());
            c.get(3, "/hello");
            assertEquals("hello", c.response(3).text());
        } catch (IOException e) {
            throw e;
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }
}
