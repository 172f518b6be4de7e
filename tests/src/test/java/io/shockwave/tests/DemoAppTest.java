package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.samples.demo.DemoApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo the README points at, end to end through the JDK client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoAppTest {
    private static Server server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = DemoApp.start("127.0.0.1", 0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(Duration.ofSeconds(5));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request that gives up after a bounded time, so no test hangs on a server that does not answer. */
    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    @Test
    void servesTheIndexPageNamingTheProtocol() throws Exception {
        HttpResponse<String> res = get("/");

        assertEquals(200, res.statusCode());
        assertEquals("text/html; charset=utf-8", res.headers().firstValue("content-type").orElseThrow());
        assertTrue(res.body().contains("<strong id=\"protocol\">HTTP/1.1</strong>"), res.body());
    }

    @Test
    void servesPlaintext() throws Exception {
        HttpResponse<String> res = get("/plaintext");

        assertEquals(200, res.statusCode());
        assertEquals("text/plain", res.headers().firstValue("content-type").orElseThrow());
        assertEquals("Hello, World!", res.body());
        assertEquals("13", res.headers().firstValue("content-length").orElseThrow());
    }

    @Test
    void servesJson() throws Exception {
        HttpResponse<String> res = get("/json");

        assertEquals(200, res.statusCode());
        assertEquals("application/json", res.headers().firstValue("content-type").orElseThrow());
        assertEquals("{\"message\":\"Hello, World!\"}", res.body());
    }

    @Test
    void echoesTheBodyWithItsContentType() throws Exception {
        String body = "{\"echo\":[1,2,3],\"text\":\"héllo\"}";
        HttpResponse<String> res = client.send(
                request("/echo")
                        .header("Content-Type", "application/json; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, res.statusCode());
        assertEquals("application/json; charset=utf-8", res.headers().firstValue("content-type").orElseThrow());
        assertEquals(body, res.body());
    }

    @Test
    void streamsFiveChunks() throws Exception {
        HttpResponse<String> res = get("/stream");

        assertEquals(200, res.statusCode());
        assertEquals("chunked", res.headers().firstValue("transfer-encoding").orElseThrow());
        assertEquals("chunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n", res.body());
    }

    @Test
    void greetsAUserByPathParameter() throws Exception {
        HttpResponse<String> res = get("/users/42");

        assertEquals(200, res.statusCode());
        assertEquals("user 42", res.body());
        assertEquals("user zoë", get("/users/zo%C3%AB").body());
    }

    @Test
    void answersUnknownPathWith404() throws Exception {
        assertEquals(404, get("/users").statusCode());
    }

    @Test
    void servesItsStaticFolderHealthAndMetrics() throws Exception {
        HttpResponse<String> page = get("/static/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().length() > 1024 && page.body().contains("<h1>Static files</h1>"), page.body());
        assertEquals("max-age=60", page.headers().firstValue("cache-control").orElse(null));
        HttpResponse<byte[]> gz = client.send(request("/static/").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(null));
        assertEquals("text/css; charset=utf-8", get("/static/style.css").headers().firstValue("content-type").orElse(null));

        assertEquals(200, get("/health/live").statusCode());
        assertEquals("{\"status\":\"UP\"}", get("/health/ready").body());

        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = metrics.body();
        assertTrue(text.contains("shockwave_responses_total{protocol=\"HTTP/1.1\",status=\"2xx\"}"), text);
        assertTrue(text.contains("shockwave_request_duration_seconds_bucket{protocol=\"HTTP/1.1\""), text);
        assertTrue(text.contains("shockwave_connections_open "), text);
        assertTrue(text.contains("shockwave_streams_open{protocol=\"HTTP/2\"}"), text);
    }
}
