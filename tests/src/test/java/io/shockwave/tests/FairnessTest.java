package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients whose pipelined requests never run dry, one per core, must not starve everyone
 * else: a connection gives way after a bounded amount of work, and the poller always
 * gets to run. A fresh connection's GET is measured while they stream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FairnessTest {
    private static final int PROBES = 200;
    private static final byte[] PIPELINE = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".repeat(64)
            .getBytes(StandardCharsets.US_ASCII);

    private Server server;
    private final List<Socket> streams = new ArrayList<>();
    private volatile boolean running = true;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r.get("/hello", (req, res) -> res.send("hello")))
                .start();
    }

    @AfterEach
    void stop() throws IOException {
        running = false;
        for (Socket s : streams) {
            s.close();
        }
        server.stop(Duration.ofSeconds(5));
    }

    /** A client that writes pipelined GETs without pause, and drains the responses on another thread. */
    private void startStream() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        streams.add(s);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (running) {
                    out.write(PIPELINE);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        Thread.ofPlatform().daemon().start(() -> {
            byte[] sink = new byte[64 * 1024];
            try {
                while (running && in.read(sink) >= 0) {
                    // drained
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
    }

    @Test
    void aFreshConnectionIsServedPromptlyWhilePipeliningClientsSaturateEveryCore() throws Exception {
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            startStream();
        }
        // The streams are being served before the probes start.
        long before = server.stats().requests();
        Await.until(() -> server.stats().requests() > before + 10_000, Duration.ofSeconds(30),
                () -> "the pipelining clients are not served: " + server.stats());

        long[] micros = new long[PROBES];
        for (int i = 0; i < PROBES; i++) {
            long start = System.nanoTime();
            try (RawClient c = RawClient.connect(server.port())) {
                c.readTimeout(Duration.ofSeconds(20));
                c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals("hello", c.read().text());
            }
            micros[i] = (System.nanoTime() - start) / 1_000;
        }
        Arrays.sort(micros);
        long p50 = micros[PROBES / 2];
        long p99 = micros[PROBES * 99 / 100];
        System.out.printf("FairnessTest: fresh GET while pipelining: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                p50 / 1000.0, p99 / 1000.0, micros[PROBES - 1] / 1000.0);
        // The target is a p99 under 50 ms (measured, see the README); the bound here is twenty
        // times that, for a loaded machine, and still fails the starvation this guards against
        // (fresh GETs waited 0.5 to 4.4 s, some never answered).
        assertTrue(p99 < 1_000_000, "p99 of a fresh GET " + p99 / 1000 + " ms while pipelining clients stream");
    }
}
