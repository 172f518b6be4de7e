package io.shockwave.runtime.spi;

import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.internal.StubRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request target: path and query (RFC 9112 §3.2, RFC 3986 §3.3-§3.4, URL form encoding). */
class AbstractRequestTest {

    private static StubRequest get(String target) {
        return StubRequest.of(Method.GET, target);
    }

    @Test
    void noQueryMeansNullRawQueryAndNoParameters() {
        StubRequest r = get("/a");
        assertNull(r.rawQuery());
        assertEquals(Map.of(), r.queryParams());
        assertNull(r.queryParam("x"));
        assertEquals(List.of(), r.queryParams("x"));
    }

    @Test
    void emptyQueryIsEmptyNotAbsent() {
        StubRequest r = get("/a?");
        assertEquals("", r.rawQuery());
        assertEquals(Map.of(), r.queryParams());
    }

    @Test
    void rawQueryIsTheQueryAsSent() {
        assertEquals("q=a+b%20c&x", get("/s?q=a+b%20c&x").rawQuery());
        assertEquals("a?b=c", get("/s?a?b=c").rawQuery());
    }

    @Test
    void parsesParametersInOrderOfFirstAppearance() {
        StubRequest r = get("/s?b=2&a=1&c=3&a=4");
        assertEquals(List.of("b", "a", "c"), List.copyOf(r.queryParams().keySet()));
        assertEquals("1", r.queryParam("a"));
        assertEquals("2", r.queryParam("b"));
    }

    @Test
    void keepsEveryValueOfARepeatedParameter() {
        StubRequest r = get("/s?tag=x&other=1&tag=y&tag=z");
        assertEquals(List.of("x", "y", "z"), r.queryParams("tag"));
        assertEquals("x", r.queryParam("tag"));
        assertEquals(List.of("x", "y", "z"), r.queryParams().get("tag"));
    }

    @Test
    void plusIsASpaceInTheQuery() {
        StubRequest r = get("/s?q=hello+world&a+b=c&plus=%2B");
        assertEquals("hello world", r.queryParam("q"));
        assertEquals("c", r.queryParam("a b"));
        assertEquals("+", r.queryParam("plus"));
    }

    @Test
    void percentDecodesNamesAndValuesAsUtf8() {
        StubRequest r = get("/s?name=J%C3%BCrgen&first%20name=x&amp=%26&eq=%3D&emoji=%F0%9F%98%80");
        assertEquals("Jürgen", r.queryParam("name"));
        assertEquals("x", r.queryParam("first name"));
        assertEquals("&", r.queryParam("amp"));
        assertEquals("=", r.queryParam("eq"));
        assertEquals("\uD83D\uDE00", r.queryParam("emoji"));
    }

    @Test
    void parameterWithoutValueOrEqualsIsEmpty() {
        StubRequest r = get("/s?flag&empty=&x=1");
        assertEquals("", r.queryParam("flag"));
        assertEquals("", r.queryParam("empty"));
        assertEquals("1", r.queryParam("x"));
    }

    @Test
    void onlyTheFirstEqualsSplitsNameFromValue() {
        assertEquals("b=c", get("/s?a=b=c").queryParam("a"));
    }

    @Test
    void skipsEmptyPairs() {
        StubRequest r = get("/s?&&a=1&&b=2&");
        assertEquals(List.of("a", "b"), List.copyOf(r.queryParams().keySet()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/s?a=%zz", "/s?a=%4", "/s?a=%", "/s?%G1=x", "/s?a=1&b=x%"})
    void malformedPercentEncodingInTheQueryIs400(String target) {
        StubRequest r = get(target);
        HttpException e = assertThrows(HttpException.class, r::queryParams);
        assertEquals(400, e.status().code());
    }

    @Test
    void malformedQueryDoesNotAffectThePath() {
        StubRequest r = get("/ok?a=%zz");
        assertEquals("/ok", r.path());
        assertEquals("a=%zz", r.rawQuery());
    }

    @Test
    void parametersAreReadOnly() {
        StubRequest r = get("/s?a=1");
        assertThrows(UnsupportedOperationException.class, () -> r.queryParams().put("b", List.of()));
        assertThrows(UnsupportedOperationException.class, () -> r.queryParams("a").add("2"));
    }

    @Test
    void pathIsDecodedAndRawPathIsAsSent() {
        StubRequest r = get("/users/a%20b/caf%C3%A9?x=%20");
        assertEquals("/users/a b/café", r.path());
        assertEquals("/users/a%20b/caf%C3%A9", r.rawPath());
    }

    @Test
    void plusIsNotASpaceInThePath() {
        // '+' means space only in form-encoded queries, never in a path (RFC 3986 §3.3).
        assertEquals("/a+b", get("/a+b").path());
    }

    @Test
    void routingPathIsTheTargetItselfWhenNothingIsEncoded() {
        StubRequest r = get("/plain/path?q");
        byte[] routing = r.routingPath();
        assertEquals("/plain/path",
                new String(routing, r.routingPathOffset(), r.routingPathLength(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void routingPathOfALongEncodedPathIsFullyDecoded() {
        String segment = "%41".repeat(200); // longer than the initial decode buffer
        StubRequest r = get("/" + segment);
        byte[] expected = ("/" + "A".repeat(200)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] routing = r.routingPath();
        assertArrayEquals(expected,
                java.util.Arrays.copyOfRange(routing, r.routingPathOffset(), r.routingPathOffset() + r.routingPathLength()));
    }

    @Test
    void malformedPathEncodingIs400() {
        HttpException e = assertThrows(HttpException.class, () -> get("/a%zz").path());
        assertEquals(400, e.status().code());
    }

    @Test
    void encodedSlashInThePathIs400() {
        // RFC 3986 §2.2: %2F is data within a segment; decoding it would make it a separator.
        HttpException e = assertThrows(HttpException.class, () -> get("/a%2Fb").path());
        assertEquals(400, e.status().code());
        assertEquals("/a%2Fb", get("/a%2Fb").rawPath());
        assertEquals("a/b", get("/a?p=a%2Fb").queryParam("p"));
        assertEquals("/a%2Fb", get("/a%252Fb").path(), "an encoded '%' before 2F is no slash");
    }

    @Test
    void newTargetForgetsTheCachedPathAndQuery() {
        StubRequest r = get("/first?a=1");
        assertEquals("/first", r.path());
        assertEquals("1", r.queryParam("a"));
        r.reset(Method.POST, "/second%20x");
        assertEquals("/second x", r.path());
        assertEquals("/second%20x", r.rawPath());
        assertNull(r.rawQuery());
        assertNull(r.queryParam("a"));
        assertTrue(r.queryParams().isEmpty());
    }

    @Test
    void pathParametersAreDecodedFromTheRoutingPath() {
        StubRequest r = get("/x/J%C3%BCrgen");
        byte[] path = r.routingPath();
        int off = r.routingPathOffset();
        r.pushPathParam("name", off + 3, off + r.routingPathLength());
        assertEquals("Jürgen", r.pathParam("name"));
        r.popPathParam();
        assertNull(r.pathParam("name"));
        assertEquals('/', path[off]);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "/a/./b, /a/b",
        "/a/b/../c, /a/c",
        "/a/b/.., /a/",
        "/a/b/., /a/b/",
        "/./a, /a",
        "/a/%2e%2E/b, /b",
        "/a/..b/c, /a/..b/c",
        "/a/.b, /a/.b",
        "/.., ",
        "/a/../.., ",
    })
    void dotSegmentsAreRemovedBeforeRouting(String target, String expected) {
        // RFC 3986 §5.2.4; climbing above the root is refused rather than clamped.
        if (expected == null) {
            HttpException e = assertThrows(HttpException.class, () -> get(target).path());
            assertEquals(400, e.status().code());
        } else {
            assertEquals(expected, get(target).path());
            assertEquals(target, get(target).rawPath());
        }
    }
}
