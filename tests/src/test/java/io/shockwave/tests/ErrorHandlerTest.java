package io.shockwave.tests;

import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.MethodNotAllowed;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tech.kwik.flupke.Http3ClientBuilder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router's 404 and 405 go through the application's error handler like every other
 * error, on every protocol: here one that answers in JSON and names the protocol.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorHandlerTest {
    private static Server server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .routes(r -> r.get("/only-get", (req, res) -> res.send("got")))
                .errorHandler((req, res, failure) -> {
                    int code = failure instanceof HttpException e ? e.status().code() : 500;
                    String allow = failure instanceof MethodNotAllowed m ? ",\"allow\":\"" + m.allow() + "\"" : "";
                    res.status(io.shockwave.runtime.Status.of(code, "error")).contentType("application/json")
                            .send("{\"error\":" + code + allow + ",\"protocol\":\"" + req.protocol() + "\"}");
                })
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void http11() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/missing")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals("{\"error\":404,\"protocol\":\"HTTP/1.1\"}", missing.body());
        HttpResponse<String> delete = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/only-get")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
        assertEquals("GET, HEAD", delete.headers().firstValue("allow").orElse(null));
        assertEquals("{\"error\":405,\"allow\":\"GET, HEAD\",\"protocol\":\"HTTP/1.1\"}", delete.body());
    }

    @Test
    void h2cAndH2() throws Exception {
        Tool.Run h2c = Tool.find("curl").run(dir, 30, "-s", "--http2-prior-knowledge",
                "http://127.0.0.1:" + server.port() + "/missing");
        assertEquals("{\"error\":404,\"protocol\":\"HTTP/2\"}", h2c.out());
        Tool.Run h2 = Tool.find("curl").run(dir, 30, "-s", "-k", "--http2", "-X", "POST", "-i",
                "https://127.0.0.1:" + server.tlsPort() + "/only-get");
        assertTrue(h2.out().startsWith("HTTP/2 405"), h2.out());
        assertTrue(h2.out().contains("allow: GET, HEAD"), h2.out());
        assertTrue(h2.out().endsWith("{\"error\":405,\"allow\":\"GET, HEAD\",\"protocol\":\"HTTP/2\"}"), h2.out());
    }

    @Test
    void http3() throws Exception {
        HttpResponse<String> r = new Http3ClientBuilder().disableCertificateCheck()
                .connectTimeout(Duration.ofSeconds(10)).build()
                .sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.http3Port() + "/missing"))
                        .build(), HttpResponse.BodyHandlers.ofString())
                .get(30, TimeUnit.SECONDS);
        assertEquals(404, r.statusCode());
        assertEquals("{\"error\":404,\"protocol\":\"HTTP/3\"}", r.body());
    }
}
