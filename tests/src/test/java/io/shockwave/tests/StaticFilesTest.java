package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.StaticFiles;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPOutputStream;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Static files from a directory and from the class path, over every protocol: types,
 * validators and 304, ranges, directories, precompressed siblings, and every way a request
 * might try to leave the root.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StaticFilesTest {
    @TempDir
    static Path base;
    @TempDir
    Path dir;

    private static Server server;
    private static byte[] appJs;
    private static byte[] appJsGz;
    private static byte[] big;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(base.resolve("root"));
        appJs = "console.log('hello');\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("app.js"), appJs);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(appJs);
        }
        appJsGz = gz.toByteArray();
        Files.write(root.resolve("app.js.gz"), appJsGz);
        Files.writeString(root.resolve("style.css"), "body { color: red }");
        Files.writeString(root.resolve("style.css.br"), "pretend brotli");
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>root</title>");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<!doctype html><title>docs</title>");
        Files.writeString(root.resolve(".env"), "SECRET=1");
        Files.writeString(root.resolve("data.unknownext"), "?");
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(base.resolve("outside.txt"), "outside the root");
        Files.createSymbolicLink(root.resolve("link-out.txt"), base.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("link-in.js"), root.resolve("app.js"));

        Path jar = base.resolve("assets.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("web/"));
            j.putNextEntry(new JarEntry("web/hello.txt"));
            j.write("hello from a jar".getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("web/index.html"));
            j.write("<p>jar index</p>".getBytes(StandardCharsets.UTF_8));
            j.putNextEntry(new JarEntry("Secret.class"));
            j.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
        }
        ClassLoader jarLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);

        server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .routes(r -> r
                        .staticFiles("/static", root)
                        .staticFiles("/jar", StaticFiles.fromClassPath(jarLoader, "web"))
                        .staticFiles("/cached", StaticFiles.of(root).withCacheControl("max-age=60")))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static HttpResponse<byte[]> get(Protocol p, HttpRequest.Builder request) throws Exception {
        return Clients.send(server, p, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aFileWithItsTypeAndValidators(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, request("/static/app.js"));
        assertEquals(200, r.statusCode());
        assertArrayEquals(appJs, r.body());
        assertEquals("text/javascript; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null));
        assertEquals("bytes", r.headers().firstValue("accept-ranges").orElse(null));
        assertEquals("Accept-Encoding", r.headers().firstValue("vary").orElse(null));
        String etag = r.headers().firstValue("etag").orElseThrow();
        String modified = r.headers().firstValue("last-modified").orElseThrow();

        assertEquals(304, get(p, request("/static/app.js").header("If-None-Match", "\"x\", " + etag)).statusCode());
        assertEquals(304, get(p, request("/static/app.js").header("If-None-Match", "W/" + etag)).statusCode());
        assertEquals(304, get(p, request("/static/app.js").header("If-Modified-Since", modified)).statusCode());
        assertEquals(200, get(p, request("/static/app.js").header("If-Modified-Since", "Thu, 01 Jan 1998 00:00:00 GMT"))
                .statusCode());
        // If-None-Match decides alone when both are there.
        assertEquals(200, get(p, request("/static/app.js").header("If-None-Match", "\"other\"")
                .header("If-Modified-Since", modified)).statusCode());
        assertEquals("application/octet-stream",
                get(p, request("/static/data.unknownext")).headers().firstValue("content-type").orElse(null));
        assertEquals("max-age=60", get(p, request("/cached/app.js")).headers().firstValue("cache-control").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void ranges(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, request("/static/big.bin").header("Range", "bytes=1000-1999"));
        assertEquals(206, r.statusCode());
        assertEquals("bytes 1000-1999/" + big.length, r.headers().firstValue("content-range").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(big, 1000, 2000), r.body());

        HttpResponse<byte[]> suffix = get(p, request("/static/big.bin").header("Range", "bytes=-5"));
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 5, big.length), suffix.body());
        HttpResponse<byte[]> open = get(p, request("/static/big.bin").header("Range", "bytes=" + (big.length - 3) + "-"));
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 3, big.length), open.body());

        HttpResponse<byte[]> past = get(p, request("/static/big.bin").header("Range", "bytes=" + big.length + "-"));
        assertEquals(416, past.statusCode());
        assertEquals("bytes */" + big.length, past.headers().firstValue("content-range").orElse(null));

        // Several ranges, a stale If-Range and a malformed range: the whole file.
        assertEquals(200, get(p, request("/static/app.js").header("Range", "bytes=0-1,5-6")).statusCode());
        assertEquals(200, get(p, request("/static/app.js").header("Range", "bytes=0-1").header("If-Range", "\"old\""))
                .statusCode());
        assertEquals(200, get(p, request("/static/app.js").header("Range", "bytes=z-1")).statusCode());
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertEquals(206, get(p, request("/static/big.bin").header("Range", "bytes=0-1").header("If-Range", etag))
                .statusCode());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void headSendsTheFieldsOnly(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, request("/static/big.bin").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, r.statusCode());
        assertEquals(Integer.toString(big.length), r.headers().firstValue("content-length").orElse(null));
        assertEquals(0, r.body().length);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void directoriesAndTheirIndex(Protocol p) throws Exception {
        assertEquals("<!doctype html><title>root</title>", new String(get(p, request("/static/")).body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> docs = get(p, request("/static/docs?x=1"));
        assertEquals(301, docs.statusCode());
        assertEquals("/static/docs/?x=1", docs.headers().firstValue("location").orElse(null));
        assertEquals("<!doctype html><title>docs</title>", new String(get(p, request("/static/docs/")).body(), StandardCharsets.UTF_8));
        assertEquals(301, get(p, request("/static")).statusCode());
        assertEquals("<p>jar index</p>", new String(get(p, request("/jar/")).body(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void precompressedSiblingsWhenAccepted(Protocol p) throws Exception {
        HttpResponse<byte[]> gz = get(p, request("/static/app.js").header("Accept-Encoding", "br;q=0, gzip"));
        assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(null));
        assertEquals("text/javascript; charset=utf-8", gz.headers().firstValue("content-type").orElse(null));
        assertArrayEquals(appJsGz, gz.body());
        HttpResponse<byte[]> refused = get(p, request("/static/app.js").header("Accept-Encoding", "gzip;q=0"));
        assertFalse(refused.headers().firstValue("content-encoding").isPresent());
        assertArrayEquals(appJs, refused.body());
        HttpResponse<byte[]> br = get(p, request("/static/style.css").header("Accept-Encoding", "gzip, br"));
        assertEquals("br", br.headers().firstValue("content-encoding").orElse(null));
        assertEquals("pretend brotli", new String(br.body(), StandardCharsets.UTF_8));
        assertEquals("text/css; charset=utf-8", br.headers().firstValue("content-type").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void fromAJarOnTheClassPath(Protocol p) throws Exception {
        HttpResponse<byte[]> r = get(p, request("/jar/hello.txt"));
        assertEquals(200, r.statusCode());
        assertEquals("hello from a jar", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        HttpResponse<byte[]> part = get(p, request("/jar/hello.txt").header("Range", "bytes=6-9"));
        assertEquals("from", new String(part.body(), StandardCharsets.UTF_8));
        assertEquals(404, get(p, request("/jar/../Secret.class")).statusCode());
    }

    /** Sent as written (curl --path-as-is): each must stay inside the root. */
    @ParameterizedTest
    @ValueSource(strings = {
            "/static/../outside.txt", "/static/%2e%2e/outside.txt", "/static/docs/../../outside.txt",
            "/static/link-out.txt", "/static/.env", "/static/%2eenv", "/static/docs/%2e%2e/.env",
            "/static/app.js%00.txt", "/static/..%5coutside.txt", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
            "/static/..%2foutside.txt", "/static/nothing.js", "/static/app.js/"})
    void noRequestLeavesTheRoot(String target) throws Exception {
        Tool.Run r = Tool.find("curl").run(dir, 30, "-s", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + server.port() + target);
        String status = r.out();
        assertTrue(status.equals("404") || status.equals("400"), target + " gave " + status);
    }

    @Test
    void aLinkInsideTheRootIsFollowed() throws Exception {
        assertArrayEquals(appJs, get(Protocol.HTTP_1_1, request("/static/link-in.js")).body());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        HttpResponse<byte[]> r = get(Protocol.HTTP_1_1, request("/static/app.js").POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("allow").orElse(null));
    }

    /**
     * A client that leaves in the middle of a large file: the server drops the connection
     * (over epoll, in the middle of sendfile) and serves the next client the whole file.
     */
    @Test
    void aClientLeavingMidFileHurtsNoOne() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setReceiveBufferSize(4096);
                OutputStream out = s.getOutputStream();
                out.write("GET /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                assertTrue(in.readNBytes(1000).length == 1000);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        assertArrayEquals(big, get(Protocol.HTTP_1_1, request("/static/big.bin")).body());
    }
}
