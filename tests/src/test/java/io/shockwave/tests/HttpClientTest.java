package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/1.1 through the JDK's own client, as an application would call the server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpClientTest {
    private static HttpClient client;
    private final CountDownLatch streamGate = new CountDownLatch(1);
    private Server server;

    @BeforeAll
    static void client() {
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.contentType("text/plain").send("Hello"))
                        .post("/echo", (req, res) -> {
                            res.contentType("application/octet-stream");
                            req.body().transferTo(res.output());
                        })
                        .get("/stream", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("first\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            // The rest is written only once the client has seen the first part.
                            boolean released = streamGate.await(5, TimeUnit.SECONDS);
                            out.write((released ? "second\n" : "timed out\n").getBytes(StandardCharsets.US_ASCII));
                        })
                        .get("/users/{id}/posts/{post}", (req, res) ->
                                res.send("user=" + req.pathParam("id") + " post=" + req.pathParam("post")))
                        .get("/search", (req, res) ->
                                res.send("q=" + req.queryParam("q") + " tags=" + req.queryParams("tag")
                                        + " missing=" + req.queryParam("missing")))
                        .get("/only-get", (req, res) -> res.send("got"))
                        .any("/anything", (req, res) -> res.send(req.method().name()))
                        .group("/old", old -> old
                                .get("/page", (req, res) -> res.redirect("/hello"))
                                .get("/moved", (req, res) -> res.redirect(Status.MOVED_PERMANENTLY, "/hello"))
                                .get("/evil", (req, res) -> res.redirect("/x\r\nSet-Cookie: a=b")))
                        .get("/boom", (req, res) -> {
                            throw new IllegalStateException("handler bug, on purpose");
                        })
                        .get("/port", (req, res) -> res.send(Integer.toString(req.remoteAddress().getPort()))))
                .start();
    }

    @AfterEach
    void stop() {
        streamGate.countDown();
        server.stop(Duration.ofSeconds(5));
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /** A request that gives up after a bounded time, so no test hangs on a server that does not answer. */
    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(request(pathAndQuery).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesGet() throws Exception {
        HttpResponse<String> res = get("/hello");

        assertEquals(200, res.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, res.version());
        assertEquals("Hello", res.body());
        assertEquals("text/plain", res.headers().firstValue("content-type").orElseThrow());
        assertEquals("5", res.headers().firstValue("content-length").orElseThrow());
        assertTrue(res.headers().firstValue("date").isPresent(), "RFC 9110 §6.6.1: an origin server sends Date");
    }

    @Test
    void answersHeadWithTheHeadersOfGetAndNoBody() throws Exception {
        // RFC 9110 §9.3.2: HEAD is GET without content; the header fields are the same.
        HttpResponse<String> get = get("/hello");
        HttpResponse<String> head = client.send(request("/hello")
                .HEAD().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(get.headers().firstValue("content-length"), head.headers().firstValue("content-length"));
        assertEquals(get.headers().firstValue("content-type"), head.headers().firstValue("content-type"));
    }

    @Test
    void echoesPostBody() throws Exception {
        byte[] body = new byte[200_000];
        new Random(42).nextBytes(body);

        HttpResponse<byte[]> res = client.send(request("/echo")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, res.statusCode());
        assertArrayEquals(body, res.body());
    }

    @Test
    void echoesPostBodyOfUnknownLengthSentChunked() throws Exception {
        byte[] body = "a body the client streams without declaring its length".repeat(500)
                .getBytes(StandardCharsets.US_ASCII);

        HttpResponse<byte[]> res = client.send(request("/echo")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, res.statusCode());
        assertArrayEquals(body, res.body());
    }

    @Test
    void streamsChunkedResponseAsItIsWritten() throws Exception {
        HttpResponse<InputStream> res = client.send(request("/stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, res.statusCode());
        assertEquals("chunked", res.headers().firstValue("transfer-encoding").orElseThrow());
        try (BufferedReader body = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.US_ASCII))) {
            // The handler is still blocked: this line can only have come from a flushed chunk.
            assertEquals("first", body.readLine());
            streamGate.countDown();
            assertEquals("second", body.readLine());
            assertEquals(null, body.readLine());
        }
    }

    @Test
    void capturesPathParameters() throws Exception {
        HttpResponse<String> res = get("/users/42/posts/a%20b");

        assertEquals(200, res.statusCode());
        assertEquals("user=42 post=a b", res.body());
    }

    @Test
    void decodesQueryParameters() throws Exception {
        HttpResponse<String> res = get("/search?q=J%C3%B6rg+x&tag=a&tag=b");

        assertEquals(200, res.statusCode());
        assertEquals("q=Jörg x tags=[a, b] missing=null", res.body());
    }

    @Test
    void answersUnknownPathWith404() throws Exception {
        assertEquals(404, get("/no/such/path").statusCode());
    }

    /** Redirects in a route group: 302 by default, any 3xx on request, and the client follows them. */
    @Test
    void redirectsFromARouteGroup() throws Exception {
        HttpResponse<String> found = client.send(request("/old/page").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, found.statusCode());
        assertEquals("/hello", found.headers().firstValue("location").orElse(null));
        assertEquals("", found.body());
        HttpResponse<String> moved = client.send(request("/old/moved").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(301, moved.statusCode());
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertEquals("Hello", following.send(request("/old/page").build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** A Location with CR LF (say, made from request input) is refused: 500, and no header injected. */
    @Test
    void aRedirectCannotInjectHeaderFields() throws Exception {
        HttpResponse<String> evil = client.send(request("/old/evil").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, evil.statusCode());
        assertTrue(evil.headers().firstValue("set-cookie").isEmpty(), evil.headers().toString());
    }

    /** any() answers every method but TRACE (which would echo the request) and CONNECT. */
    @Test
    void anyRouteRefusesTrace() throws Exception {
        HttpResponse<String> put = client.send(request("/anything")
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("PUT", put.body());
        HttpResponse<String> trace = client.send(request("/anything")
                .method("TRACE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, trace.statusCode());
        List<String> allowed = List.of(trace.headers().firstValue("allow").orElseThrow().split(",\\s*"));
        assertTrue(allowed.contains("PUT") && !allowed.contains("TRACE") && !allowed.contains("CONNECT"),
                "Allow: " + allowed);
    }

    @Test
    void answersUnsupportedMethodWith405AndAllow() throws Exception {
        // RFC 9110 §15.5.6: a 405 response carries Allow with the methods the target supports.
        HttpResponse<String> res = client.send(request("/only-get")
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(405, res.statusCode());
        List<String> allowed = List.of(res.headers().firstValue("allow").orElseThrow().split(",\\s*"));
        assertTrue(allowed.contains("GET") && allowed.contains("HEAD"), "Allow: " + allowed);
        assertTrue(!allowed.contains("DELETE") && !allowed.contains("POST"), "Allow: " + allowed);
    }

    @Test
    void turnsHandlerExceptionInto500AndKeepsTheConnection() throws Exception {
        String before = get("/port").body();

        HttpResponse<String> failed = get("/boom");
        assertEquals(500, failed.statusCode());
        assertEquals("Internal Server Error", failed.body(), "a 500 reveals nothing of the exception");

        HttpResponse<String> after = get("/port");
        assertEquals(200, after.statusCode());
        assertEquals(before, after.body(), "the same connection serves the next request");
    }

    @Test
    void handlerExceptionLeavesConcurrentRequestsUnaffected() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> good = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> bad = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            good.add(client.sendAsync(request("/users/" + i + "/posts/1").build(),
                    HttpResponse.BodyHandlers.ofString()));
            bad.add(client.sendAsync(request("/boom").build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        for (int i = 0; i < good.size(); i++) {
            HttpResponse<String> res = good.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(200, res.statusCode());
            assertEquals("user=" + i + " post=1", res.body());
            assertEquals(500, bad.get(i).get(10, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void reusesTheConnectionForSequentialRequests() throws Exception {
        // RFC 9112 §9.3: HTTP/1.1 connections persist unless either side says close.
        String first = get("/port").body();
        for (int i = 0; i < 5; i++) {
            assertEquals(first, get("/port").body(), "request " + i + " came from another client port");
        }
        assertEquals(1, server.stats().connectionsAccepted());
    }
}
