package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.samples.demo.DemoApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/2 in cleartext with prior knowledge (RFC 9113 §3.3), through curl, nghttp and h2load. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2ClientsTest {
    private static Server server;
    private static String base;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = DemoApp.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void curlWithPriorKnowledgeGetsHttp2() throws Exception {
        Tool.Run r = Tool.find("curl").run(dir, 20, "--silent", "--show-error", "--http2-prior-knowledge",
                "--include", base + "/plaintext");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/2 200"), r.out());
        assertTrue(r.out().endsWith("Hello, World!"), r.out());
    }

    @Test
    void demoPageNamesHttp2() throws Exception {
        Tool.Run r = Tool.find("curl").run(dir, 20, "--silent", "--show-error", "--http2-prior-knowledge", base + "/");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("<strong id=\"protocol\">HTTP/2</strong>"), r.out());
    }

    /** RFC 7540 §3.2: what {@code curl --http2} sends on http:// is an HTTP/1.1 request with Upgrade: h2c. */
    @Test
    void curlUpgradesToH2c() throws Exception {
        Tool.Run r = Tool.find("curl").run(dir, 20, "--silent", "--show-error", "--http2", "--include",
                base + "/plaintext");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/1.1 101 Switching Protocols"), r.out());
        assertTrue(r.out().contains("HTTP/2 200"), r.out());
        assertTrue(r.out().endsWith("Hello, World!"), r.out());
    }

    /** The JDK client upgrades its first request, then sends the rest over the same HTTP/2 connection. */
    @Test
    void jdkClientUpgradesAndKeepsUsingHttp2() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/users/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                assertEquals("user " + i, r.body());
            }
            byte[] content = new byte[200_000];
            new Random(7540).nextBytes(content);
            HttpResponse<byte[]> echoed = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(HttpClient.Version.HTTP_2, echoed.version());
            assertArrayEquals(content, echoed.body());
        }
    }

    @Test
    void curlUploadsAndGetsTheBodyEchoed() throws Exception {
        byte[] content = new byte[3_000_000];
        new Random(9113).nextBytes(content);
        Path upload = dir.resolve("upload");
        Files.write(upload, content);
        Path download = dir.resolve("download");
        Tool.Run r = Tool.find("curl").run(dir, 30, "--silent", "--show-error", "--http2-prior-knowledge",
                "--data-binary", "@" + upload, "--output", download.toString(), base + "/echo");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(content, Files.readAllBytes(download));
    }

    /** The demo's /bytes/{n}: a 10 MB download over HTTP/2, every byte the pattern's. */
    @Test
    void downloadsTenMegabytes() throws Exception {
        Path download = dir.resolve("bytes");
        Tool.Run r = Tool.find("curl").run(dir, 30, "--silent", "--show-error", "--http2-prior-knowledge",
                "--output", download.toString(), base + "/bytes/10000000");
        assertEquals(0, r.exit(), r.stderr());
        byte[] got = Files.readAllBytes(download);
        assertEquals(10_000_000, got.length);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != (byte) ('a' + i % (64 * 1024) % 26)) {
                throw new AssertionError("byte " + i + " is " + got[i]);
            }
        }
        Tool.Run tooMany = Tool.find("curl").run(dir, 10, "--silent", "--http2-prior-knowledge",
                "--write-out", "%{http_code}", "--output", "/dev/null", base + "/bytes/100000001");
        assertEquals("400", tooMany.out());
    }

    @Test
    void nghttpRunsHundredStreamsOnOneConnection() throws Exception {
        // -n: discard bodies; -m 100: the URI a hundred times, concurrently on one connection.
        Tool.Run r = Tool.find("nghttp").run(dir, 30, "-n", "-s", "-m", "100", base + "/json");
        assertEquals(0, r.exit(), r.stderr() + r.out());
        int ok = 0;
        for (String line : r.out().lines().toList()) {
            if (line.matches("\\s*\\d+\\s.*\\s200\\s+27\\s+/json")) {
                ok++;
            }
        }
        assertEquals(100, ok, r.out());
    }

    @Test
    void h2loadCompletesEveryRequest() throws Exception {
        Tool.Run r = Tool.find("h2load").run(dir, 60, "-n", "20000", "-c", "4", "-m", "32", base + "/plaintext");
        assertEquals(0, r.exit(), r.stderr() + r.out());
        Matcher m = Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals("20000", m.group(3), r.out());
        assertEquals("0", m.group(4), r.out());
    }
}
