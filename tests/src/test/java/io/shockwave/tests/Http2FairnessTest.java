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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 clients whose frames never run dry, one per core, must not starve everyone else:
 * the connection's reader gives way after a bounded number of reads that found input
 * waiting, as HTTP/1.1 does after 16 pipelined requests. The frames are connection-level
 * WINDOW_UPDATEs of 1, which are legal, cheap for the client, and answered with nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2FairnessTest {
    private static final int PROBES = 200;

    private Server server;
    private final List<Socket> floods = new ArrayList<>();
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
        for (Socket s : floods) {
            s.close();
        }
        server.stop(Duration.ofSeconds(5));
    }

    private void startFlood() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        floods.add(s);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] update = {0, 0, 4, (byte) FrameClient.WINDOW_UPDATE, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        byte[] burst = FrameClient.repeat(update, 1000);
        out.write(FrameClient.PREFACE);
        out.write(new byte[] {0, 0, 0, (byte) FrameClient.SETTINGS, 0, 0, 0, 0, 0});
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (running) {
                    out.write(burst);
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
    void aFreshConnectionIsServedPromptlyWhileFloodingClientsSaturateEveryCore() throws Exception {
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            startFlood();
        }
        long before = server.stats().bytesIn();
        Await.until(() -> server.stats().bytesIn() > before + 10_000_000, Duration.ofSeconds(30),
                () -> "the flooding clients are not being read: " + server.stats());

        long[] micros = new long[PROBES];
        for (int i = 0; i < PROBES; i++) {
            long start = System.nanoTime();
            try (FrameClient c = FrameClient.connect(server.port())) {
                c.get(1, "/hello");
                assertEquals("hello", c.response(1).text());
            }
            micros[i] = (System.nanoTime() - start) / 1_000;
        }
        Arrays.sort(micros);
        long p99 = micros[PROBES * 99 / 100];
        System.out.printf("Http2FairnessTest: fresh h2c GET while flooding: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                micros[PROBES / 2] / 1000.0, p99 / 1000.0, micros[PROBES - 1] / 1000.0);
        // As in FairnessTest: a bound far above the target, which starvation still fails.
        assertTrue(p99 < 1_000_000, "p99 of a fresh h2c GET " + p99 / 1000 + " ms while flooding clients stream");
    }
}
