package io.shockwave.runtime.internal;

import io.shockwave.runtime.Handler;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.Routes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing by method and path (RFC 9110 §9.1, §15.5.5, §15.5.6). */
class RouterTest {

    /** A handler that answers with its own name, so a test can see which route won. */
    private static Handler named(String name) {
        return (req, res) -> res.send(name);
    }

    private static RecordingResponse serve(Handler router, Method method, String target) throws Exception {
        RecordingResponse res = new RecordingResponse();
        router.handle(StubRequest.of(method, target), res);
        return res;
    }

    private static String winner(Handler router, String target) throws Exception {
        RecordingResponse res = serve(router, Method.GET, target);
        return res.status().code() == 200 ? res.bodyText() : String.valueOf(res.status().code());
    }

    @Test
    void matchesLiteralPaths() throws Exception {
        Handler router = new Routes()
                .get("/", named("root"))
                .get("/a", named("a"))
                .get("/a/b", named("a/b"))
                .build();
        assertEquals("root", winner(router, "/"));
        assertEquals("a", winner(router, "/a"));
        assertEquals("a/b", winner(router, "/a/b"));
        assertEquals("404", winner(router, "/b"));
        assertEquals("404", winner(router, "/a/b/c"));
    }

    @Test
    void literalSegmentsAreCaseSensitive() throws Exception {
        // RFC 3986 §6.2.2.1: the path is case-sensitive.
        Handler router = new Routes().get("/Users", named("users")).build();
        assertEquals("users", winner(router, "/Users"));
        assertEquals("404", winner(router, "/users"));
    }

    @Test
    void trailingSlashIsADistinctPath() throws Exception {
        Handler router = new Routes().get("/users", named("users")).get("/docs/", named("docs")).build();
        assertEquals("users", winner(router, "/users"));
        assertEquals("404", winner(router, "/users/"));
        assertEquals("docs", winner(router, "/docs/"));
        assertEquals("404", winner(router, "/docs"));
    }

    @Test
    void queryDoesNotTakePartInMatching() throws Exception {
        Handler router = new Routes().get("/search", named("search")).build();
        assertEquals("search", winner(router, "/search?q=/other&x"));
    }

    @Test
    void capturesParameters() throws Exception {
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/users/{id}/posts/{post}", (req, res) -> {
                    seen.add(req.pathParam("id") + "," + req.pathParam("post") + "," + req.pathParam("other"));
                    res.send("ok");
                })
                .build();
        serve(router, Method.GET, "/users/42/posts/7");
        assertEquals(List.of("42,7,null"), seen);
    }

    @Test
    void parameterNeedsANonEmptySegment() throws Exception {
        Handler router = new Routes().get("/users/{id}", named("user")).build();
        assertEquals("user", winner(router, "/users/x"));
        assertEquals("404", winner(router, "/users/"));
        assertEquals("404", winner(router, "/users"));
        assertEquals("404", winner(router, "/users/x/y"));
    }

    @Test
    void literalWinsOverParameter() throws Exception {
        Handler router = new Routes()
                .get("/users/{id}", named("param"))
                .get("/users/me", named("literal"))
                .build();
        assertEquals("literal", winner(router, "/users/me"));
        assertEquals("param", winner(router, "/users/mee"));
        assertEquals("param", winner(router, "/users/m"));
    }

    @Test
    void parameterWinsOverWildcard() throws Exception {
        Handler router = new Routes()
                .get("/files/*", named("wildcard"))
                .get("/files/{name}", named("param"))
                .build();
        assertEquals("param", winner(router, "/files/a.txt"));
        assertEquals("wildcard", winner(router, "/files/a/b.txt"));
    }

    @Test
    void wildcardCapturesTheRestOfThePath() throws Exception {
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/static/*", (req, res) -> {
                    seen.add(req.pathParam("*"));
                    res.send("ok");
                })
                .build();
        serve(router, Method.GET, "/static/css/site.css");
        serve(router, Method.GET, "/static/x");
        serve(router, Method.GET, "/static/");
        assertEquals(List.of("css/site.css", "x", ""), seen);
        assertEquals("404", winner(router, "/staticx/a"));
    }

    @Test
    void rootWildcardCatchesEverythingElse() throws Exception {
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/api/health", named("health"))
                .get("/*", (req, res) -> {
                    seen.add(req.pathParam("*"));
                    res.send("fallback");
                })
                .build();
        assertEquals("health", winner(router, "/api/health"));
        assertEquals("fallback", winner(router, "/api/other/deep"));
        assertEquals(List.of("api/other/deep"), seen);
    }

    @Test
    void backtracksOutOfALiteralBranchThatDeadEnds() throws Exception {
        Handler router = new Routes()
                .get("/a/b/c", named("literal"))
                .get("/a/{x}/d", (req, res) -> res.send("param " + req.pathParam("x")))
                .build();
        assertEquals("literal", winner(router, "/a/b/c"));
        assertEquals("param b", winner(router, "/a/b/d"));
    }

    @Test
    void backtrackingDropsTheParametersOfAbandonedBranches() throws Exception {
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/a/b/{c}/x", named("first"))
                .get("/a/{p}/q/y", (req, res) -> {
                    seen.add(req.pathParam("p") + "," + req.pathParam("c"));
                    res.send("second");
                })
                .get("/a/{p}/z", named("third"))
                .get("/a/*", (req, res) -> {
                    seen.add(req.pathParam("*") + "," + req.pathParam("p"));
                    res.send("wildcard");
                })
                .build();
        assertEquals("second", winner(router, "/a/b/q/y"));
        assertEquals("wildcard", winner(router, "/a/b/q/w"));
        assertEquals(List.of("b,null", "b/q/w,null"), seen);
    }

    @Test
    void capturesManyParameters() throws Exception {
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/{a}/{b}/{c}/{d}/{e}/{f}/*", (req, res) -> {
                    seen.add(req.pathParam("a") + req.pathParam("b") + req.pathParam("c") + req.pathParam("d")
                            + req.pathParam("e") + req.pathParam("f") + "|" + req.pathParam("*"));
                    res.send("ok");
                })
                .build();
        serve(router, Method.GET, "/1/2/3/4/5/6/7/8");
        assertEquals(List.of("123456|7/8"), seen);
    }

    @Test
    void unknownPathIs404() throws Exception {
        // RFC 9110 §15.5.5
        Handler router = new Routes().get("/a", named("a")).build();
        RecordingResponse res = serve(router, Method.POST, "/nowhere");
        assertEquals(404, res.status().code());
        assertEquals("Not Found", res.bodyText());
    }

    @Test
    void knownPathWithoutTheMethodIs405WithAllow() throws Exception {
        // RFC 9110 §15.5.6: a 405 response MUST carry Allow (§10.2.1).
        Handler router = new Routes()
                .get("/items", named("list"))
                .post("/items", named("create"))
                .delete("/items/{id}", named("delete"))
                .build();
        RecordingResponse res = serve(router, Method.PUT, "/items");
        assertEquals(405, res.status().code());
        assertEquals("GET, HEAD, POST", res.headers().get(HeaderName.ALLOW));
        assertEquals("Method Not Allowed", res.bodyText());

        RecordingResponse other = serve(router, Method.GET, "/items/3");
        assertEquals(405, other.status().code());
        assertEquals("DELETE", other.headers().get(HeaderName.ALLOW));
    }

    @Test
    void anyServesEveryMethodButConnectAndTrace() throws Exception {
        Handler router = new Routes().any("/all", named("all")).build();
        for (Method m : Method.values()) {
            int expected = m == Method.CONNECT || m == Method.TRACE ? 405 : 200;
            assertEquals(expected, serve(router, m, "/all").status().code(), m.name());
        }
    }

    @Test
    void groupsPutTheirPrefixBeforeEveryPatternAndNest() throws Exception {
        Handler router = new Routes()
                .get("/", named("root"))
                .group("/api", api -> api
                        .get("/", named("api"))
                        .get("/users/{id}", named("user"))
                        .group("/v2", v2 -> v2.any("/*", named("v2"))))
                .build();
        assertEquals("root", winner(router, "/"));
        assertEquals("api", winner(router, "/api"));
        assertEquals("user", winner(router, "/api/users/7"));
        assertEquals("v2", winner(router, "/api/v2/x/y"));
        assertEquals(404, serve(router, Method.GET, "/users/7").status().code());
        assertThrows(IllegalArgumentException.class, () -> new Routes().group("api", g -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Routes().group("/api/", g -> { }));
    }

    @Test
    void traceIsServedWhenRegisteredExplicitly() throws Exception {
        Handler router = new Routes().any("/all", named("all")).route(Method.TRACE, "/all", named("trace")).build();
        assertEquals(200, serve(router, Method.TRACE, "/all").status().code());
    }

    @Test
    void headIsServedByGet() throws Exception {
        // RFC 9110 §9.3.2: HEAD is GET without content.
        List<Method> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/page", (req, res) -> {
                    seen.add(req.method());
                    res.send("page");
                })
                .build();
        assertEquals(200, serve(router, Method.HEAD, "/page").status().code());
        assertEquals(List.of(Method.HEAD), seen);
    }

    @Test
    void explicitHeadHandlerWinsOverGet() throws Exception {
        Handler router = new Routes().get("/page", named("get")).head("/page", named("head")).build();
        assertEquals("head", serve(router, Method.HEAD, "/page").bodyText());
        assertEquals("get", serve(router, Method.GET, "/page").bodyText());
    }

    @Test
    void headWithoutGetIs405() throws Exception {
        Handler router = new Routes().post("/form", named("post")).build();
        RecordingResponse res = serve(router, Method.HEAD, "/form");
        assertEquals(405, res.status().code());
        assertEquals("POST", res.headers().get(HeaderName.ALLOW));
    }

    @Test
    void matchesThePercentDecodedPath() throws Exception {
        // RFC 3986 §2.1: percent-encoded octets are the octets they encode.
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/café/menu", named("menu"))
                .get("/users/{name}", (req, res) -> {
                    seen.add(req.pathParam("name"));
                    res.send("user");
                })
                .build();
        assertEquals("menu", winner(router, "/caf%C3%A9/menu"));
        assertEquals("menu", winner(router, "/caf%c3%a9/%6Denu"));
        assertEquals("user", winner(router, "/users/J%C3%BCrgen%20M"));
        assertEquals(List.of("Jürgen M"), seen);
    }

    @Test
    void encodedSlashIsRefusedNotTakenForASeparator() {
        // RFC 3986 §2.2: a percent-encoded reserved character is data, not a delimiter,
        // so /admin%2Fsecret must not reach the route for /admin/secret (a front proxy saw one segment).
        Handler router = new Routes()
                .get("/admin/secret", named("admin"))
                .get("/files/{dir}/{name}", named("two segments"))
                .get("/*", named("any"))
                .build();
        for (String target : new String[] {"/admin%2Fsecret", "/admin%2fsecret", "/files/a%2Fb"}) {
            HttpException e = assertThrows(HttpException.class, () -> serve(router, Method.GET, target), target);
            assertEquals(400, e.status().code());
        }
    }

    @Test
    void malformedPercentEncodingInThePathIs400() {
        Handler router = new Routes().get("/*", named("any")).build();
        for (String target : new String[] {"/a%zz", "/a%4", "/a%", "/%G0"}) {
            HttpException e = assertThrows(HttpException.class, () -> serve(router, Method.GET, target), target);
            assertEquals(400, e.status().code());
        }
    }

    @Test
    void rejectsADuplicateRoute() {
        Routes routes = new Routes().get("/a/{id}", named("first"));
        assertThrows(IllegalArgumentException.class, () -> routes.get("/a/{id}", named("second")));
        Routes any = new Routes().any("/b", named("any"));
        assertThrows(IllegalArgumentException.class, () -> any.post("/b", named("post")));
    }

    @Test
    void sameMethodOnDifferentPatternsIsNoDuplicate() throws Exception {
        Handler router = new Routes().get("/a", named("a")).get("/a/{x}", named("ax")).get("/a/*", named("aw")).build();
        assertEquals("a", winner(router, "/a"));
        assertEquals("ax", winner(router, "/a/1"));
        assertEquals("aw", winner(router, "/a/1/2"));
    }

    @Test
    void rejectsConflictingParameterNamesAtOnePosition() {
        Routes routes = new Routes().get("/users/{id}", named("user"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> routes.get("/users/{name}/posts", named("posts")));
        assertTrue(e.getMessage().contains("{name}") && e.getMessage().contains("{id}"), e.getMessage());
        routes.get("/users/{id}/posts", named("posts")); // the same name at the same position is fine
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "users",
        "''",
        "/a/*/b",
        "/a/{}",
        "/a/{*}",
        "/a/b*",
        "/a/{x",
        "/a/x}",
        "/a/{x}y",
    })
    void rejectsMalformedPatterns(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> new Routes().get(pattern, named("x")));
    }

    @Test
    void rejectsRoutesAddedAfterBuild() {
        Routes routes = new Routes().get("/a", named("a"));
        routes.build();
        assertThrows(IllegalStateException.class, () -> routes.get("/b", named("b")));
    }

    @Test
    void describesItsRoutes() {
        Router router = new Router();
        router.add(Method.GET, "/users/{id}", named("u"));
        router.add(Method.POST, "/users/{id}", named("u"));
        router.add(Method.GET, "/static/*", named("s"));
        router.freeze();
        assertEquals(List.of("/users/{id} [GET, HEAD, POST]", "/static/* [GET, HEAD]"), router.describe());
    }

    @Test
    void reusedRequestForgetsThePreviousParameters() throws Exception {
        List<String> seen = new ArrayList<>();
        Handler router = new Routes()
                .get("/u/{id}", (req, res) -> res.send("u"))
                .get("/v", (req, res) -> {
                    seen.add(String.valueOf(req.pathParam("id")));
                    res.send("v");
                })
                .build();
        StubRequest req = StubRequest.of(Method.GET, "/u/1");
        router.handle(req, new RecordingResponse());
        req.reset(Method.GET, "/v");
        router.handle(req, new RecordingResponse());
        assertEquals(List.of("null"), seen);
        assertNull(req.pathParam("id"));
    }
}
