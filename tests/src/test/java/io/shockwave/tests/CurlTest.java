package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.samples.demo.DemoApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interop with curl against the demo app. curl is required: CI installs it, and a
 * missing curl fails these tests rather than skipping them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurlTest {
    private static final int MAX_SECONDS = 10;

    private static Path curl;
    private static Server server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        curl = findCurl();
        server = DemoApp.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private static Path findCurl() {
        List<Path> candidates = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, "curl"));
            }
        }
        candidates.add(Path.of("/usr/bin/curl"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("curl is required for the interop tests and was not found on PATH or at /usr/bin/curl");
    }

    /** What one curl run left behind: its exit code, the response headers (all of them) and the body. */
    private record Result(int exit, String headers, byte[] body, String stderr) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The status lines in the order they arrived, interim ones included. */
        List<String> statusLines() {
            return headers.lines().filter(l -> l.startsWith("HTTP/")).toList();
        }
    }

    private Result curl(String path, String... options) throws IOException, InterruptedException {
        Path headers = dir.resolve("headers");
        Path body = dir.resolve("body");
        Path stderr = dir.resolve("stderr");
        List<String> command = new ArrayList<>(List.of(curl.toString(), "--silent", "--show-error", "--http1.1",
                "--max-time", Integer.toString(MAX_SECONDS), "--dump-header", headers.toString(),
                "--output", body.toString()));
        command.addAll(List.of(options));
        command.add("http://127.0.0.1:" + server.port() + path);
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        if (!p.waitFor(MAX_SECONDS + 5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("curl did not finish: " + command);
        }
        Result r = new Result(p.exitValue(),
                Files.exists(headers) ? Files.readString(headers, StandardCharsets.ISO_8859_1) : "",
                Files.exists(body) ? Files.readAllBytes(body) : new byte[0],
                Files.readString(stderr));
        assertEquals(0, r.exit(), () -> "curl failed: " + r.stderr());
        return r;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void getsPlaintext() throws Exception {
        Result r = curl("/plaintext");

        assertEquals(List.of("HTTP/1.1 200 OK"), r.statusLines());
        assertEquals("Hello, World!", r.text());
    }

    @Test
    void postsBinaryBodyAndGetsItEchoed() throws Exception {
        byte[] content = random(300_000);

        Result r = curl("/echo", "--data-binary", "@" + file("upload", content),
                "-H", "Content-Type: application/octet-stream", "-H", "Expect:");

        assertEquals(List.of("HTTP/1.1 200 OK"), r.statusLines());
        assertTrue(r.headers().contains("Content-Length: " + content.length), r.headers());
        assertArrayEquals(content, r.body());
    }

    @Test
    void uploadsChunkedBody() throws Exception {
        byte[] content = random(200_000);

        Result r = curl("/echo", "--data-binary", "@" + file("upload", content),
                "-H", "Transfer-Encoding: chunked", "-H", "Expect:");

        assertEquals(List.of("HTTP/1.1 200 OK"), r.statusLines());
        assertTrue(r.headers().contains("Transfer-Encoding: chunked"), "an unknown length echoes chunked");
        assertArrayEquals(content, r.body());
    }

    @Test
    void getsContinueBeforeSendingTheBody() throws Exception {
        // RFC 9110 §10.1.1: curl waits (up to a second) for the 100 before it sends the body.
        byte[] content = random(2 * 1024 * 1024);

        Result r = curl("/echo", "--data-binary", "@" + file("upload", content),
                "-H", "Expect: 100-continue", "--expect100-timeout", "5");

        assertEquals(List.of("HTTP/1.1 100 Continue", "HTTP/1.1 200 OK"), r.statusLines());
        assertArrayEquals(content, r.body());
    }

    @Test
    void getsContinueWhenCurlAsksForItByItself() throws Exception {
        // curl adds "Expect: 100-continue" on its own to a large POST body.
        byte[] content = random(3 * 1024 * 1024);

        Result r = curl("/echo", "--data-binary", "@" + file("upload", content), "--expect100-timeout", "5");

        assertEquals(List.of("HTTP/1.1 100 Continue", "HTTP/1.1 200 OK"), r.statusLines());
        assertArrayEquals(content, r.body());
    }

    @Test
    void uploadsChunkedBodyAfterContinue() throws Exception {
        byte[] content = random(1_500_000);

        Result r = curl("/echo", "--data-binary", "@" + file("upload", content),
                "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", "--expect100-timeout", "5");

        assertEquals(List.of("HTTP/1.1 100 Continue", "HTTP/1.1 200 OK"), r.statusLines());
        assertArrayEquals(content, r.body());
    }

    @Test
    void readsTheChunkedStream() throws Exception {
        Result r = curl("/stream");

        assertEquals(List.of("HTTP/1.1 200 OK"), r.statusLines());
        assertTrue(r.headers().contains("Transfer-Encoding: chunked"), r.headers());
        assertEquals("chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n", r.text());
    }

    @Test
    void getsHeadWithoutBody() throws Exception {
        Result r = curl("/plaintext", "--head");

        assertEquals(List.of("HTTP/1.1 200 OK"), r.statusLines());
        assertTrue(r.headers().contains("Content-Length: 13"), r.headers());
        // With --head curl writes the header section as its output: nothing may follow it.
        assertEquals(r.headers(), new String(r.body(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void reusesOneConnectionForSeveralUrls() throws Exception {
        long before = server.stats().connectionsAccepted();
        Path headers = dir.resolve("headers");
        Process p = new ProcessBuilder(curl.toString(), "--silent", "--show-error", "--http1.1",
                "--max-time", Integer.toString(MAX_SECONDS),
                "http://127.0.0.1:" + server.port() + "/users/1",
                "http://127.0.0.1:" + server.port() + "/users/2",
                "http://127.0.0.1:" + server.port() + "/users/3")
                .redirectOutput(headers.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(MAX_SECONDS + 5, TimeUnit.SECONDS));

        assertEquals(0, p.exitValue());
        assertEquals("user 1user 2user 3", Files.readString(headers));
        assertEquals(before + 1, server.stats().connectionsAccepted(), "curl kept the one connection alive");
    }
}
