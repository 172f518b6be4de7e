package io.shockwave.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Cookies read (RFC 6265 §5.4, leniently) and set (§4.1, strictly). */
class CookieTest {

    @Test
    void setCookieCarriesEveryAttribute() {
        Cookie c = Cookie.of("session", "a1b2").withPath("/app").withDomain("example.com")
                .withMaxAge(Duration.ofHours(1)).withSecure(true).withHttpOnly(true).withSameSite(Cookie.SameSite.NONE);
        assertEquals("session=a1b2; Path=/app; Domain=example.com; Max-Age=3600; Secure; HttpOnly; SameSite=None",
                c.toSetCookie());
        assertEquals("gone=; Max-Age=0", Cookie.of("gone", "").withMaxAge(Duration.ZERO).toSetCookie());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a;b", "a,b", "a\"b", "a\\b", "a\r\nSet-Cookie: x=y", "caf\u00e9"})
    void aValueThatCouldAddAttributesOrFieldsIsRefused(String value) {
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("name", value));
    }

    @Test
    void namesPathsAndDomainsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("a=b", "v"));
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("", "v"));
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").withPath("/; Domain=evil"));
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").withDomain("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").withMaxAge(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").withSameSite(Cookie.SameSite.NONE));
    }

    @Test
    void parsingIsLenientAndTheFirstOfANameWins() {
        Map<String, String> c = Cookie.parse(List.of("a=1;  b = 2 ;junk; c=\"quoted\"; a=shadowed;;=nameless", "d=4"));
        assertEquals(Map.of("a", "1", "b", "2", "c", "quoted", "d", "4"), c);
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(c.keySet()));
        assertEquals(Map.of(), Cookie.parse(List.of()));
        assertEquals(Map.of("e", ""), Cookie.parse(List.of("e=")));
    }
}
