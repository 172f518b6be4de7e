package io.shockwave.tests;

import io.shockwave.runtime.DataRate;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@link Limits#minRequestBodyRate()} and {@link Limits#minResponseRate()}: a client that
 * drips a body, or reads a response a trickle at a time, each step well inside the read
 * and write timeouts, is still cut off; one at a fair pace is not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataRateTest {
    private static final int RESPONSE_BYTES = 8 << 20;
    private static final DataRate RATE = DataRate.of(2_000, Duration.ofMillis(600));

    private Server server;

    @BeforeEach
    void start() {
        byte[] big = new byte[RESPONSE_BYTES];
        server = Server.builder()
                .http("127.0.0.1", 0)
                // Timeouts far longer than the test: only the rate can end these clients.
                .timeouts(Timeouts.DEFAULT.withBodyRead(Duration.ofMinutes(5)).withWrite(Duration.ofMinutes(5)))
                .limits(Limits.DEFAULT.withMinRequestBodyRate(RATE).withMinResponseRate(RATE))
                .routes(r -> r
                        .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                        .get("/big", (req, res) -> res.send(big)))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    /** Sends the head, then the body one byte every {@code pauseMillis} until the server answers or closes. */
    private static void drip(RawClient c, int length, long pauseMillis) {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < length; i++) {
                    c.send("x");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis)); // the client's pace
                }
            } catch (IOException e) {
                // the server closed: done
            }
        });
    }

    @Test
    void aBodyDrippedSlowerThanTheMinimumRateGets408() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.readTimeout(Duration.ofSeconds(30));
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000\r\n\r\n");
            drip(c, 10_000, 20); // 50 bytes/s: each byte far inside the five-minute read timeout
            RawResponse res = c.read();
            assertEquals(408, res.status());
            assertEquals("close", res.header("Connection"));
        }
    }

    @Test
    void aBodyAtAFairPaceIsServed() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            String body = "y".repeat(20_000);
            c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length() + "\r\n\r\n");
            for (int i = 0; i < body.length(); i += 4_000) {
                c.send(body.substring(i, i + 4_000)); // 4,000 bytes every 100 ms: 40,000 bytes/s
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertEquals(body, c.read().text());
        }
    }

    @Test
    void aClientThatReadsSlowerThanTheMinimumRateIsCutOff() throws Exception {
        assumeFalse("false".equals(System.getProperty("shockwave.tcp.epoll")),
                "the portable transport cannot see a write's progress: only the write timeout applies there");
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096); // so the server waits on this client almost at once
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[100];
            long received = 0;
            boolean cutOff = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (System.nanoTime() < deadline) {
                int n;
                try {
                    n = in.read(buf); // 100 bytes every 100 ms: 1,000 bytes/s, half the minimum
                } catch (IOException e) {
                    cutOff = true; // reset
                    break;
                }
                if (n < 0) {
                    cutOff = true;
                    break;
                }
                received += n;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            assertTrue(cutOff, "still connected after " + received + " bytes");
            assertTrue(received < RESPONSE_BYTES, "the whole response arrived: " + received);
        }
    }

    @Test
    void aClientThatReadsAtAFairPaceGetsTheWholeResponse() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long received = 0;
            long expected = -1;
            StringBuilder head = new StringBuilder();
            while (expected < 0 || received < expected) {
                int n = in.read(buf);
                assertTrue(n > 0, "cut off after " + received + " bytes");
                if (expected < 0) {
                    head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    int end = head.indexOf("\r\n\r\n");
                    if (end >= 0) {
                        expected = RESPONSE_BYTES;
                        received = head.length() - end - 4;
                    }
                } else {
                    received += n;
                }
            }
            assertEquals(RESPONSE_BYTES, received);
        }
    }
}
