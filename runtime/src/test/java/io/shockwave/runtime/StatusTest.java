package io.shockwave.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status codes and the HTTP/1.1 status line (RFC 9110 §15, RFC 9112 §4). */
class StatusTest {

    @Test
    void everyConstantIsSharedAndCarriesItsStatusLine() throws IllegalAccessException {
        Set<Integer> codes = new HashSet<>();
        for (Field f : Status.class.getFields()) {
            if (f.getType() != Status.class || !Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Status s = (Status) f.get(null);
            assertTrue(codes.add(s.code()), "code registered twice: " + s.code());
            assertSame(s, Status.of(s.code()), f.getName());
            assertSame(s, Status.of(s.code(), s.reason()), f.getName());
            // status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF
            assertEquals("HTTP/1.1 " + s.code() + " " + s.reason() + "\r\n",
                    new String(s.http11StatusLine(), StandardCharsets.US_ASCII), f.getName());
            assertEquals(f.getName(), s.reason().toUpperCase().replace(' ', '_').replace('-', '_'));
        }
        assertTrue(codes.size() >= 40, "constants found: " + codes.size());
    }

    @Test
    void statusLinesOfCommonCodes() {
        assertEquals("HTTP/1.1 200 OK\r\n", new String(Status.OK.http11StatusLine(), StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.1 404 Not Found\r\n",
                new String(Status.of(404).http11StatusLine(), StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\n",
                new String(Status.of(431).http11StatusLine(), StandardCharsets.US_ASCII));
    }

    @Test
    void unregisteredCodeGetsAGenericReason() {
        // RFC 9110 §15: a client treats an unknown code as the x00 of its class.
        Status s = Status.of(299);
        assertEquals(299, s.code());
        assertEquals("Unknown", s.reason());
        assertEquals(2, s.statusClass());
        assertEquals("HTTP/1.1 299 Unknown\r\n", new String(s.http11StatusLine(), StandardCharsets.US_ASCII));
    }

    @Test
    void customReasonMakesANewStatusOfTheSameCode() {
        Status s = Status.of(200, "Fine");
        assertEquals("Fine", s.reason());
        assertEquals("HTTP/1.1 200 Fine\r\n", new String(s.http11StatusLine(), StandardCharsets.US_ASCII));
        assertEquals(Status.OK, s);
        assertEquals(Status.OK.hashCode(), s.hashCode());
        assertNotEquals(Status.CREATED, s);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 99, 600, 1000})
    void rejectsCodesOutsideThreeDigits(int code) {
        // RFC 9110 §15: a status code is three digits, 100-599 in use.
        assertThrows(IllegalArgumentException.class, () -> Status.of(code));
        assertThrows(IllegalArgumentException.class, () -> Status.of(code, "X"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad\r\nX-Injected: 1", "a\nb", "a\u0000", "caf\u00e9", "a\u007f"})
    void rejectsReasonsThatAreNotPrintableAscii(String reason) {
        assertThrows(IllegalArgumentException.class, () -> Status.of(200, reason));
    }

    @Test
    void onlyInformational204And304ResponsesHaveNoContent() {
        // RFC 9110 §6.4.1
        for (int code = 100; code < 600; code++) {
            boolean expected = code >= 200 && code != 204 && code != 304;
            assertEquals(expected, Status.of(code).allowsContent(), Integer.toString(code));
        }
        assertFalse(Status.CONTINUE.allowsContent());
        assertTrue(Status.RESET_CONTENT.allowsContent());
    }

    @Test
    void classIsTheFirstDigit() {
        assertEquals(1, Status.CONTINUE.statusClass());
        assertEquals(3, Status.NOT_MODIFIED.statusClass());
        assertEquals(5, Status.of(599).statusClass());
    }
}
