package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.samples.rest.RestApp;
import io.shockwave.samples.site.StaticSiteApp;
import io.shockwave.samples.sse.SseApp;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample apps a user copies from, through real clients. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SamplesTest {
    @TempDir
    Path dir;

    private static Server.Builder local() {
        return Server.builder().http("127.0.0.1", 0).https("127.0.0.1", 0);
    }

    private static HttpRequest.Builder json(String path, String method, String body) {
        return request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void restServiceCrud() throws Exception {
        Server server = RestApp.start(local());
        try {
            for (Protocol p : new Protocol[] {Protocol.HTTP_1_1, Protocol.HTTP_2}) {
                HttpResponse<String> created = Clients.send(server, p, json("/api/todos", "POST",
                        "{\"title\":\" write tests \",\"done\":false}"));
                assertEquals(201, created.statusCode(), created.body());
                String location = created.headers().firstValue("location").orElseThrow();
                assertTrue(created.body().matches("\\{\"id\":\\d+,\"title\":\"write tests\",\"done\":false}"), created.body());

                assertEquals(created.body(), Clients.send(server, p, request(location)).body());
                HttpResponse<String> replaced = Clients.send(server, p, json(location, "PUT",
                        "{\"title\":\"write tests\",\"done\":true}"));
                assertEquals(200, replaced.statusCode());
                assertTrue(replaced.body().endsWith("\"done\":true}"), replaced.body());
                assertTrue(Clients.send(server, p, request("/api/todos?done=true")).body().contains(location.substring(11)));
                assertEquals("[]", Clients.send(server, p, request("/api/todos?done=false")).body());

                assertEquals(204, Clients.send(server, p, request(location).DELETE()).statusCode());
                HttpResponse<String> gone = Clients.send(server, p, request(location));
                assertEquals(404, gone.statusCode());
                assertEquals("application/json", gone.headers().firstValue("content-type").orElse(null));
                assertTrue(gone.body().startsWith("{\"error\":"), gone.body());
            }
            Protocol p = Protocol.HTTP_1_1;
            assertEquals(422, Clients.send(server, p, json("/api/todos", "POST", "{\"title\":\"\"}")).statusCode());
            assertEquals(422, Clients.send(server, p, json("/api/todos", "POST", "{\"title\":\"x\",\"done\":\"yes\"}"))
                    .statusCode());
            assertEquals(422, Clients.send(server, p, json("/api/todos", "POST", "{\"title\":\"" + "x".repeat(201) + "\"}"))
                    .statusCode());
            assertEquals(422, Clients.send(server, p, json("/api/todos", "POST", "{\"title\":\"x\",\"admin\":true}"))
                    .statusCode());
            HttpResponse<String> malformed = Clients.send(server, p, json("/api/todos", "POST", "{\"title\":"));
            assertEquals(400, malformed.statusCode());
            assertEquals(400, Clients.send(server, p, json("/api/todos", "POST", "{\"title\":{\"nested\":1}}")).statusCode());
            assertEquals(415, Clients.send(server, p, request("/api/todos")
                    .POST(HttpRequest.BodyPublishers.ofString("title=x"))).statusCode());
            assertEquals(413, Clients.send(server, p, json("/api/todos", "POST", " ".repeat(20_000) + "{}")).statusCode());
            HttpResponse<String> notAllowed = Clients.send(server, p, json("/api/todos/1", "PATCH", "{}"));
            assertEquals(405, notAllowed.statusCode());
            assertEquals("GET, HEAD, PUT, DELETE", notAllowed.headers().firstValue("allow").orElse(null));
            assertTrue(notAllowed.body().startsWith("{\"error\":"), notAllowed.body());
            assertEquals(404, Clients.send(server, p, request("/api/todos/abc")).statusCode());
            assertEquals(200, Clients.send(server, Protocol.HTTP_3, request("/api/todos")).statusCode());
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static List<String> ids(String stream) {
        return stream.lines().filter(l -> l.startsWith("id: ")).map(l -> l.substring(4)).collect(Collectors.toList());
    }

    @Test
    void serverSentEventsOnEveryProtocol() throws Exception {
        Server server = SseApp.start(local());
        try {
            Tool.Run curl = Tool.find("curl").run(dir, 30, "-s", "-N",
                    "http://127.0.0.1:" + server.port() + "/events?count=3&interval=10");
            assertEquals(List.of("1", "2", "3"), ids(curl.out()));
            assertTrue(curl.out().contains("\"protocol\":\"HTTP/1.1\""), curl.out());
            for (Protocol p : Protocol.values()) {
                HttpResponse<String> r = Clients.send(server, p, request("/events?count=2&interval=10")
                        .header("Last-Event-ID", "41"));
                assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
                assertEquals(List.of("42", "43"), ids(r.body()), p.name());
                String protocol = p == Protocol.HTTP_1_1 ? "HTTP/1.1" : p == Protocol.HTTP_2 ? "HTTP/2" : "HTTP/3";
                assertTrue(r.body().contains("\"protocol\":\"" + protocol + "\""), r.body());
            }
            assertEquals(400, Clients.send(server, Protocol.HTTP_1_1, request("/events?interval=1")).statusCode());
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    /** The events arrive one by one, each as it is sent: the first is read before the second exists. */
    @Test
    void eventsAreFlushedAsTheyHappen() throws Exception {
        Server server = SseApp.start(local());
        try {
            HttpResponse<java.util.stream.Stream<String>> r = Clients.send(server, Protocol.HTTP_2,
                    request("/events?count=2&interval=60000"), HttpResponse.BodyHandlers.ofLines());
            // The second event comes a minute later: reading the first must not wait for it.
            String firstId = r.body().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow();
            assertEquals("id: 1", firstId);
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }

    /** A client that leaves ends its endless stream (the next write fails), and the server serves on. */
    @Test
    void aClientThatLeavesEndsItsStream() throws Exception {
        Server server = SseApp.start(local());
        try {
            for (int i = 0; i < 3; i++) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                    s.getOutputStream().write("GET /events?interval=20 HTTP/1.1\r\nHost: x\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] some = s.getInputStream().readNBytes(200); // a few events
                    assertEquals(200, some.length);
                }
            }
            Await.until(() -> server.stats().connectionsOpen() == 0, Duration.ofSeconds(20),
                    () -> server.stats().connectionsOpen() + " streams still open after their clients left");
            assertEquals(List.of("1"), ids(Clients.send(server, Protocol.HTTP_1_1, request("/events?count=1")).body()));
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    /** stop() ends endless streams cleanly (their handlers see it), well inside the grace: no stream is cut off. */
    @Test
    void stopEndsOpenStreamsCleanly() throws Exception {
        Server server = SseApp.start(local());
        try {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> h1 = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Clients.send(server, Protocol.HTTP_1_1, request("/events?interval=50"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            java.util.concurrent.CompletableFuture<HttpResponse<String>> h2 = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Clients.send(server, Protocol.HTTP_2, request("/events?interval=50"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Await.until(() -> server.stats().requests() >= 2, Duration.ofSeconds(20), () -> "the streams did not start");
            server.stop(Duration.ofSeconds(60));
            // Whole responses (the JDK client throws on a cut-off one), each with some events.
            HttpResponse<String> r1 = h1.get(30, TimeUnit.SECONDS);
            assertTrue(!ids(r1.body()).isEmpty(), r1.statusCode() + " " + r1.headers() + " [" + r1.body() + "]");
            assertTrue(!ids(h2.get(30, TimeUnit.SECONDS).body()).isEmpty());
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void staticSiteFromADirectory() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<!doctype html><p>" + "static site ".repeat(200) + "</p>");
        Server server = StaticSiteApp.start(local(), site);
        try {
            HttpResponse<byte[]> gz = Clients.send(server, Protocol.HTTP_2, request("/").header("Accept-Encoding", "gzip"),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(null));
            assertEquals("public, max-age=3600", gz.headers().firstValue("cache-control").orElse(null));
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))) {
                assertEquals(Files.readString(site.resolve("index.html")), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(200, Clients.send(server, Protocol.HTTP_3, request("/index.html")).statusCode());
            assertEquals(200, Clients.send(server, Protocol.HTTP_1_1, request("/_health/ready")).statusCode());
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }
}
