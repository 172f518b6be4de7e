package io.shockwave.tests;

import io.shockwave.runtime.NotFound;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.RequestWrapper;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.ResponseWrapper;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.Status;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Filters on the server and on route groups, request attributes, wrapped requests and
 * responses, and exceptions answered by type, over HTTP/1.1, HTTP/2 and HTTP/3.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FilterTest {
    private static Server server;

    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    /** Upper-cases what goes through {@code send}: a body transformation a filter puts in place. */
    static final class Shouting extends ResponseWrapper {
        Shouting(Response wrapped) {
            super(wrapped);
        }

        @Override
        public void send(byte[] body, int offset, int length) {
            byte[] upper = new String(body, offset, length, StandardCharsets.UTF_8)
                    .toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            super.send(upper, 0, upper.length);
        }
    }

    /** Serves {@code /v1/...} as if it were {@code /...}: routes follow the wrapper's path. */
    static final class Unversioned extends RequestWrapper {
        Unversioned(Request wrapped) {
            super(wrapped);
        }

        @Override
        public String path() {
            return super.path().substring("/v1".length());
        }
    }

    @BeforeAll
    static void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                // Server filters see every request, a 404 too; the first added runs outermost.
                .filter((req, res, next) -> {
                    res.header("X-Order", "outer");
                    req.attribute("trace", "outer");
                    next.handle(req, res);
                })
                .filter((req, res, next) -> {
                    res.header("X-Order", res.headers().get("X-Order") + ",inner");
                    req.attribute("trace", req.attribute("trace") + ",inner");
                    if (req.path().startsWith("/v1/")) {
                        next.handle(new Unversioned(req), res);
                    } else {
                        next.handle(req, res);
                    }
                })
                .exception(Invalid.class, (e, req, res) ->
                        res.status(Status.of(422)).contentType("application/json")
                                .send("{\"invalid\":\"" + e.getMessage() + "\"}"))
                .exception(NotFound.class, (e, req, res) ->
                        res.status(Status.NOT_FOUND).send("nothing at " + req.path() + " (" + req.attribute("trace") + ")"))
                .exception(IllegalStateException.class, (e, req, res) -> res.status(Status.CONFLICT).send("conflict"))
                .routes(r -> r
                        .get("/plain", (req, res) -> res.send("plain " + req.attribute("trace")))
                        .get("/items/{id}", (req, res) -> res.send("item " + req.pathParam("id")))
                        .get("/invalid", (req, res) -> {
                            throw new Invalid("name");
                        })
                        .get("/unmapped", (req, res) -> {
                            throw new UnsupportedOperationException("a bug");
                        })
                        .get("/busy", (req, res) -> {
                            throw new java.util.concurrent.CancellationException("a subclass of IllegalStateException");
                        })
                        .get("/leak", (req, res) -> {
                            Object before = req.attribute("mine");
                            req.attribute("mine", "set");
                            res.send("mine=" + before);
                        })
                        .group("/admin", admin -> admin
                                .get("/who", (req, res) -> res.send("hello " + req.attribute("user")))
                                // Added after the route, and still in front of it.
                                .filter((req, res, next) -> {
                                    if (!"secret".equals(req.header("X-Token"))) {
                                        res.status(Status.UNAUTHORIZED).send("who are you?");
                                        return;
                                    }
                                    req.attribute("user", "admin");
                                    next.handle(req, res);
                                })
                                .group("/loud", loud -> loud
                                        .filter((req, res, next) -> next.handle(req, new Shouting(res)))
                                        .get("/", (req, res) -> res.send("quiet " + req.attribute("user"))))))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void serverFiltersRunInOrderAroundEveryRequest(Protocol protocol) throws Exception {
        HttpResponse<String> plain = Clients.send(server, protocol, request("/plain"));
        assertEquals(200, plain.statusCode());
        assertEquals("plain outer,inner", plain.body());
        assertEquals("outer,inner", plain.headers().firstValue("x-order").orElse(null));

        HttpResponse<String> missing = Clients.send(server, protocol, request("/nowhere"));
        assertEquals(404, missing.statusCode());
        assertEquals("nothing at /nowhere (outer,inner)", missing.body());
        // No handler ran and failed: what the filters set on the response stays (CORS, security headers).
        assertEquals("outer,inner", missing.headers().firstValue("x-order").orElse(null));

        // A handler that throws leaves nothing of what it or the filters set: the response starts afresh.
        HttpResponse<String> invalid = Clients.send(server, protocol, request("/invalid"));
        assertEquals(422, invalid.statusCode());
        assertFalse(invalid.headers().firstValue("x-order").isPresent());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aGroupFilterAnswersItselfOrHandsAnAttributeOn(Protocol protocol) throws Exception {
        HttpResponse<String> refused = Clients.send(server, protocol, request("/admin/who"));
        assertEquals(401, refused.statusCode());
        assertEquals("who are you?", refused.body());

        HttpResponse<String> admitted = Clients.send(server, protocol, request("/admin/who").header("X-Token", "secret"));
        assertEquals(200, admitted.statusCode());
        assertEquals("hello admin", admitted.body());

        // A nested group: the enclosing group's filter first, then its own, which wraps the response.
        HttpResponse<String> loud = Clients.send(server, protocol, request("/admin/loud").header("X-Token", "secret"));
        assertEquals("QUIET ADMIN", loud.body());
        assertEquals(401, Clients.send(server, protocol, request("/admin/loud")).statusCode());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aWrappedRequestIsRoutedByItsOwnPath(Protocol protocol) throws Exception {
        HttpResponse<String> r = Clients.send(server, protocol, request("/v1/items/7"));
        assertEquals(200, r.statusCode());
        assertEquals("item 7", r.body());
        HttpResponse<String> missing = Clients.send(server, protocol, request("/v1/nowhere"));
        assertEquals(404, missing.statusCode());
        assertEquals("nothing at /nowhere (outer,inner)", missing.body());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void exceptionsAreAnsweredByTheirNearestType(Protocol protocol) throws Exception {
        HttpResponse<String> invalid = Clients.send(server, protocol, request("/invalid"));
        assertEquals(422, invalid.statusCode());
        assertEquals("{\"invalid\":\"name\"}", invalid.body());
        HttpResponse<String> busy = Clients.send(server, protocol, request("/busy"));
        assertEquals(409, busy.statusCode());
        assertEquals("conflict", busy.body());
        // No handler for it: the error handler's 500, which reveals nothing.
        HttpResponse<String> bug = Clients.send(server, protocol, request("/unmapped"));
        assertEquals(500, bug.statusCode());
        assertFalse(bug.body().contains("a bug"), bug.body());
    }

    @Test
    void attributesDoNotOutliveTheirExchange() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI leak = URI.create("http://127.0.0.1:" + server.port() + "/leak");
            for (int i = 0; i < 3; i++) { // one connection, kept alive: the same request object each time
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(leak).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("mine=null", r.body());
            }
        }
    }
}
