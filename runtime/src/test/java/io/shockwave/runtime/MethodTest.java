package io.shockwave.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Request methods (RFC 9110 §9, RFC 5789). */
class MethodTest {

    private static Method parse(String s) {
        // Embed the token in other bytes so that only the given slice is read.
        byte[] buf = ("XX" + s + " /").getBytes(StandardCharsets.ISO_8859_1);
        return Method.parse(buf, 2, s.length());
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void parsesEveryMethod(Method m) {
        assertSame(m, parse(m.name()));
        assertArrayEquals(m.name().getBytes(StandardCharsets.US_ASCII), m.bytes());
        assertSame(m, Method.of(m.name()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "Get", "gET", "head", "Post", "pUT", "delete", "Delete", "options", "connect",
            "trace", "patch", "PATCh", "DELETe"})
    void isCaseSensitive(String token) {
        // RFC 9110 §9.1: the method token is case-sensitive.
        assertNull(parse(token), token);
        assertNull(Method.of(token), token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "GE", "GETS", "GOT", "PIT", "PUSH", "HEAP", "POSTS", "PATCX", "TRACK", "PURGE",
            "XELETE", "DELETX", "REMOVE", "OPTIONZ", "XPTIONS", "CONNECTS", "PROPFIND", "CONNEC", "BREW"})
    void unknownMethodsAreNull(String token) {
        assertNull(parse(token), token);
    }

    @Test
    void safeAndIdempotentMethods() {
        // RFC 9110 §9.2.1 and §9.2.2
        Set<Method> safe = EnumSet.of(Method.GET, Method.HEAD, Method.OPTIONS, Method.TRACE);
        Set<Method> idempotent = EnumSet.of(Method.GET, Method.HEAD, Method.OPTIONS, Method.TRACE,
                Method.PUT, Method.DELETE);
        for (Method m : Method.values()) {
            assertEquals(safe.contains(m), m.isSafe(), m.name());
            assertEquals(idempotent.contains(m), m.isIdempotent(), m.name());
        }
    }
}
