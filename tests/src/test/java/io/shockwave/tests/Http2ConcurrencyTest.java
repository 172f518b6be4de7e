package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.FrameClient.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams of one HTTP/2 connection do not wait for each other: handlers, slow readers, priorities. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2ConcurrencyTest {
    private static Server server;
    private static volatile CountDownLatch blocker = new CountDownLatch(1);

    /** {@code n} bytes of a pattern that shows where a byte was lost or moved. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    @BeforeAll
    static void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello"))
                        .get("/block", (req, res) -> {
                            try {
                                blocker.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            res.send("unblocked");
                        })
                        .post("/echo", (req, res) -> {
                            byte[] body = req.bodyBytes();
                            res.send(body);
                        })
                        .get("/bytes/{n}", (req, res) -> {
                            int n = Integer.parseInt(req.pathParam("n"));
                            byte[] all = pattern(n);
                            res.contentLength(n);
                            OutputStream out = res.output();
                            for (int at = 0; at < n; at += 10_000) {
                                out.write(all, at, Math.min(10_000, n - at));
                            }
                        }))
                .start();
    }

    @AfterAll
    static void stop() {
        blocker.countDown();
        server.stop(Duration.ofSeconds(2));
    }

    /** A handler that blocks holds up only its own stream: 100 others on the connection complete meanwhile. */
    @Test
    void blockedHandlerDelaysNoOtherStream() throws IOException {
        blocker = new CountDownLatch(1);
        try (FrameClient c = FrameClient.connect(server.port())) {
            c.get(1, "/block");
            for (int i = 1; i <= 100; i++) {
                c.get(1 + 2 * i, "/hello");
            }
            for (int i = 1; i <= 100; i++) {
                Response r = c.response(1 + 2 * i);
                assertEquals("200", r.status());
                assertEquals("hello", r.text());
            }
            blocker.countDown();
            assertEquals("unblocked", c.response(1).text());
        }
    }

    /** A client that gives one stream no credit stalls that stream only. */
    @Test
    void streamWithoutCreditDelaysNoOtherStream() throws IOException {
        // Every stream may take 100,000 bytes before it needs credit; the connection may take far more.
        try (FrameClient c = FrameClient.connect(server.port(), 0x4, 100_000)) {
            c.frame(WINDOW_UPDATE, 0, 0, intPayload(50_000_000));
            c.get(1, "/bytes/1000000"); // stalls once its 100,000 bytes of credit are used
            for (int i = 1; i <= 20; i++) {
                c.get(1 + 2 * i, "/bytes/50000");
            }
            for (int i = 1; i <= 20; i++) {
                Response r = c.response(1 + 2 * i);
                assertArrayEquals(pattern(50_000), r.body());
            }
            Response big = c.response(1); // now given credit as it is read
            assertArrayEquals(pattern(1_000_000), big.body());
        }
    }

    /**
     * RFC 9218: DATA of a more urgent stream goes before a less urgent one's. A large
     * download at urgency 7 has used the connection window; a small response at urgency 0
     * waits for credit too; when credit comes, the small one's DATA leaves first.
     */
    @Test
    void urgentResponseOvertakesLargeDownload() throws IOException {
        try (FrameClient c = FrameClient.connect(server.port(), 0x4, 10_000_000)) {
            c.get(1, "/bytes/5000000", "priority", "u=7");
            int received = 0;
            while (received < 65_535) { // the connection's initial window, then the server waits
                Frame f = c.expect(DATA);
                received += f.payload().length;
            }
            c.get(3, "/hello", "priority", "u=0");
            Frame headers = c.expect(HEADERS);
            assertEquals(3, headers.stream());
            c.frame(WINDOW_UPDATE, 0, 0, intPayload(1_000_000));
            Frame next = c.expect(DATA);
            assertEquals(3, next.stream(), "the urgent stream's DATA leaves first");
            assertEquals("hello", new String(next.payload(), StandardCharsets.US_ASCII));
        }
    }

    /** 1,000 streams over 10 connections, bodies of 0 B to 1 MiB both ways, every byte checked. */
    @Test
    void thousandStreamsOverTenConnections() throws Exception {
        Random random = new Random(1000);
        List<HttpClient> clients = new ArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try {
            for (int c = 0; c < 10; c++) {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
                clients.add(client);
                // The first request upgrades the connection; the rest share it.
                HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(base() + "/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, first.version());
                for (int i = 0; i < 100; i++) {
                    int size = switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000);
                        case 2 -> random.nextInt(100_000);
                        default -> random.nextInt(1 << 20);
                    };
                    if (random.nextBoolean()) {
                        byte[] body = new byte[size];
                        random.nextBytes(body);
                        all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/echo"))
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.ofByteArray()).thenAccept(r -> {
                            assertEquals(200, r.statusCode());
                            assertEquals(HttpClient.Version.HTTP_2, r.version());
                            assertTrue(Arrays.equals(body, r.body()), "echoed body of " + body.length + " bytes");
                        }));
                    } else {
                        all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/bytes/" + size)).build(),
                                HttpResponse.BodyHandlers.ofByteArray()).thenAccept(r -> {
                            assertEquals(200, r.statusCode());
                            assertTrue(Arrays.equals(pattern(size), r.body()), "download of " + size + " bytes");
                        }));
                    }
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
        } finally {
            clients.forEach(HttpClient::close);
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }
}
