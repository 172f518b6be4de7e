package io.shockwave.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    private static HeaderName knownIn(String text, int off, int len, int capacity) {
        byte[] buf = new byte[capacity];
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        return HeaderName.known(buf, off, len);
    }

    @Test
    void knownFindsEveryRegisteredNameInAnyCaseWhereverItLies() {
        for (java.lang.reflect.Field f : HeaderName.class.getFields()) {
            if (f.getType() != HeaderName.class) {
                continue;
            }
            HeaderName h;
            try {
                h = (HeaderName) f.get(null);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            String name = h.name();
            for (String spelling : new String[] {name, name.toLowerCase(), name.toUpperCase()}) {
                String line = "xy" + spelling + ": v";
                assertSame(h, knownIn(line, 2, name.length(), 256), spelling);
                // at the very end of the buffer, where eight-byte reads would overrun it
                assertSame(h, knownIn("xy" + spelling, 2, name.length(), 2 + name.length()), spelling + " at the end");
            }
            assertEquals(h.id(), HeaderName.of(name.toLowerCase()).id(), "every spelling shares the id");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hos", "Hostt", "H0st", "Content-Typf", "User\rAgent", "User_Agent",
        "Accept@", "X-Unknown", "Cache-Control\u0000"})
    void knownRejectsNearMisses(String text) {
        // '-' | 0x20 == '-' and CR | 0x20 == '-': only letters may differ in case.
        assertNull(knownIn(text + ": v", 0, text.length(), 64), text);
    }

    @Test
    void customNamesHaveNoId() {
        assertEquals(-1, HeaderName.of("X-Custom").id());
        assertNotEquals(-1, HeaderName.HOST.id());
        assertNotEquals(HeaderName.HOST.id(), HeaderName.DATE.id());
    }
}
