package io.shockwave.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Field names (RFC 9110 §5.1): tokens, compared ignoring case. */
class HeaderNameTest {

    @Test
    void knownNameSpelledTheSameIsTheSharedConstant() {
        assertSame(HeaderName.CONTENT_TYPE, HeaderName.of("Content-Type"));
        assertSame(HeaderName.TE, HeaderName.of("TE"));
        assertSame(HeaderName.ETAG, HeaderName.of("ETag"));
    }

    @Test
    void knownNameSpelledDifferentlyKeepsItsSpellingButEqualsTheConstant() {
        HeaderName lower = HeaderName.of("content-type");
        assertNotSame(HeaderName.CONTENT_TYPE, lower);
        assertEquals("content-type", lower.name());
        assertEquals(HeaderName.CONTENT_TYPE, lower);
        assertEquals(HeaderName.CONTENT_TYPE.hashCode(), lower.hashCode());
    }

    @Test
    void equalityIgnoresCase() {
        assertEquals(HeaderName.of("X-Request-Id"), HeaderName.of("x-REQUEST-id"));
        assertEquals(HeaderName.of("X-Request-Id").hashCode(), HeaderName.of("x-REQUEST-id").hashCode());
        assertNotEquals(HeaderName.of("X-Request-Id"), HeaderName.of("X-Request-Ids"));
        assertNotEquals(HeaderName.of("X-Request-Id"), "X-Request-Id");
    }

    @Test
    void keepsBytesAsWrittenAndLowerCased() {
        HeaderName n = HeaderName.of("X-Mixed_Case~1");
        assertArrayEquals("X-Mixed_Case~1".getBytes(StandardCharsets.US_ASCII), n.bytes());
        assertArrayEquals("x-mixed_case~1".getBytes(StandardCharsets.US_ASCII), n.lowerBytes());
        assertEquals(14, n.length());
        assertEquals("X-Mixed_Case~1", n.toString());
    }

    @Test
    void acceptsEveryTokenCharacter() {
        // RFC 9110 §5.6.2: tchar
        String all = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        assertEquals(all, HeaderName.of(all).name());
    }

    @Test
    void rejectsEveryNonTokenCharacter() {
        String tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for (char c = 0; c < 0x100; c++) {
            if (tchars.indexOf(c) < 0) {
                String name = "X" + c;
                assertThrows(IllegalArgumentException.class, () -> HeaderName.of(name), "char " + (int) c);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " Host", "Host ", "Host:", "a b", "\u20ac", "(comment)", "a\"b", "a,b", "a;b", "a=b"})
    void rejectsNamesThatAreNotTokens(String name) {
        assertThrows(IllegalArgumentException.class, () -> HeaderName.of(name));
    }
}
