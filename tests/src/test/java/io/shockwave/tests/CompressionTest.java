package io.shockwave.tests;

import io.shockwave.runtime.Compression;
import io.shockwave.runtime.Server;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gzip of dynamic responses, through real clients on every protocol, and curl --compressed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionTest {
    @TempDir
    static Path files;
    @TempDir
    Path dir;

    private static Server server;
    private static final String JSON = "{\"items\":[" + "{\"id\":1,\"name\":\"a name\"},".repeat(100) + "{}]}";
    private static volatile CountDownLatch firstPartSeen;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(files.resolve("plain.txt"), "static text, compressed on the fly. ".repeat(200));
        server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .filter(Compression.gzip())
                .routes(r -> r
                        .get("/json", (req, res) -> res.contentType("application/json").send(JSON))
                        .get("/small", (req, res) -> res.contentType("application/json").send("{\"ok\":true}"))
                        .get("/png", (req, res) -> res.contentType("image/png").send(new byte[4096]))
                        .get("/encoded", (req, res) -> res.contentType("text/plain")
                                .header("Content-Encoding", "br").send(new byte[4096]))
                        .get("/etag", (req, res) -> res.contentType("text/plain").header("ETag", "\"v1\"")
                                .send("x".repeat(4096)))
                        .get("/stream", (req, res) -> {
                            res.contentType("text/event-stream");
                            OutputStream out = res.output();
                            out.write("first\n".getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            // The rest comes only once the client has decompressed the first part.
                            boolean seen = firstPartSeen.await(20, TimeUnit.SECONDS);
                            out.write((seen ? "second\n" : "not flushed\n").getBytes(StandardCharsets.UTF_8));
                        })
                        .get("/fails-midway", (req, res) -> {
                            res.contentType("text/plain");
                            OutputStream out = res.output();
                            out.write("x".repeat(8192).getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            throw new IllegalStateException("failed after the compressed response started");
                        })
                        .staticFiles("/files", files))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static HttpResponse<byte[]> get(Protocol p, String path, String acceptEncoding) throws Exception {
        var request = request(path);
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return Clients.send(server, p, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aLargeCompressibleBodyIsGzipped(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, "/json", "gzip, deflate, br");
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(null));
        assertEquals("Accept-Encoding", r.headers().firstValue("vary").orElse(null));
        assertEquals(JSON, gunzip(r.body()));
        assertTrue(r.body().length < JSON.length() / 4, r.body().length + " bytes");
        if (p == Protocol.HTTP_1_1) { // sent whole, with its length: no chunks
            assertEquals(Integer.toString(r.body().length), r.headers().firstValue("content-length").orElse(null));
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void whatIsNotCompressed(Protocol p) throws Exception {
        HttpResponse<byte[]> small = get(p, "/small", "gzip");
        assertFalse(small.headers().firstValue("content-encoding").isPresent());
        assertEquals("Accept-Encoding", small.headers().firstValue("vary").orElse(null));
        for (String refused : new String[] {null, "gzip;q=0", "br", "identity"}) {
            HttpResponse<byte[]> r = get(p, "/json", refused);
            assertFalse(r.headers().firstValue("content-encoding").isPresent(), refused);
            assertEquals(JSON, new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("Accept-Encoding", r.headers().firstValue("vary").orElse(null), refused);
        }
        HttpResponse<byte[]> png = get(p, "/png", "gzip");
        assertFalse(png.headers().firstValue("content-encoding").isPresent());
        assertFalse(png.headers().firstValue("vary").isPresent());
        assertEquals(4096, png.body().length);
        HttpResponse<byte[]> encoded = get(p, "/encoded", "gzip");
        assertEquals("br", encoded.headers().firstValue("content-encoding").orElse(null));
        assertEquals(4096, encoded.body().length);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStrongEtagBecomesWeak(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, "/etag", "gzip");
        assertEquals("W/\"v1\"", r.headers().firstValue("etag").orElse(null));
        assertEquals("\"v1\"", get(p, "/etag", null).headers().firstValue("etag").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStreamIsCompressedAsItStreamsAndFlushReachesTheClient(Protocol p) throws Exception {
        firstPartSeen = new CountDownLatch(1);
        HttpResponse<InputStream> r = Clients.send(server, p, request("/stream").header("Accept-Encoding", "gzip"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(null));
        try (InputStream in = new GZIPInputStream(r.body(), 64)) {
            byte[] first = in.readNBytes(6);
            assertEquals("first\n", new String(first, StandardCharsets.UTF_8));
            firstPartSeen.countDown();
            assertEquals("second\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStaticFileWithoutASiblingIsCompressedOnTheFly(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, "/files/plain.txt", "gzip");
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(null));
        assertEquals(Files.readString(files.resolve("plain.txt")), gunzip(r.body()));
        // A range is of the file's own bytes: never compressed.
        HttpResponse<byte[]> range = Clients.send(server, p, request("/files/plain.txt").header("Accept-Encoding", "gzip")
                .header("Range", "bytes=0-5"), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertEquals("static", new String(range.body(), StandardCharsets.UTF_8));
    }

    /** A compressed stream whose handler fails is cut off, never finished with a gzip trailer that would make it look whole. */
    @Test
    void aFailureAfterTheCompressedResponseStartedIsNeverASuccess() throws Exception {
        Tool.Run h1 = Tool.find("curl").run(dir, 30, "-s", "--compressed", "-o", "/dev/null",
                "http://127.0.0.1:" + server.port() + "/fails-midway");
        assertTrue(h1.exit() != 0, "curl took the cut-off HTTP/1.1 response for whole");
        Tool.Run h2 = Tool.find("curl").run(dir, 30, "-s", "-k", "--http2", "--compressed", "-o", "/dev/null",
                "https://127.0.0.1:" + server.tlsPort() + "/fails-midway");
        assertTrue(h2.exit() != 0, "curl took the reset HTTP/2 response for whole");
        // The connection's next exchange is unharmed.
        assertEquals(JSON, Tool.find("curl").run(dir, 30, "-s", "--compressed",
                "http://127.0.0.1:" + server.port() + "/json").out());
    }

    @Test
    void curlCompressed() throws Exception {
        Tool.Run r = Tool.find("curl").run(dir, 30, "-s", "--compressed", "http://127.0.0.1:" + server.port() + "/json");
        assertEquals(JSON, r.out());
        Tool.Run h2 = Tool.find("curl").run(dir, 30, "-s", "--compressed", "-k", "--http2",
                "https://127.0.0.1:" + server.tlsPort() + "/json");
        assertEquals(JSON, h2.out());
        byte[] raw = Tool.find("curl").run(dir, 30, "-s", "-H", "Accept-Encoding: gzip",
                "http://127.0.0.1:" + server.port() + "/json").stdout();
        assertArrayEquals(JSON.getBytes(StandardCharsets.UTF_8), gunzip(raw).getBytes(StandardCharsets.UTF_8));
    }
}
