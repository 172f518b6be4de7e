package io.shockwave.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Header fields (RFC 9110 §5): case-insensitive names, ordered values, safe values. */
class HeadersTest {

    @Test
    void looksUpNamesIgnoringCase() {
        // RFC 9110 §5.1: field names are case-insensitive.
        Headers h = new Headers().add("Content-Type", "text/html");
        assertEquals("text/html", h.get("content-type"));
        assertEquals("text/html", h.get("CONTENT-TYPE"));
        assertEquals("text/html", h.get(HeaderName.CONTENT_TYPE));
        assertEquals("text/html", h.get(HeaderName.of("cOnTeNt-TyPe")));
        assertTrue(h.contains("content-TYPE"));
        assertTrue(h.contains(HeaderName.CONTENT_TYPE));
        assertEquals(0, h.indexOf("Content-type"));
    }

    @Test
    void keepsTheNameAsWritten() {
        Headers h = new Headers().add("x-LoWeR", "v");
        assertEquals("x-LoWeR", h.name(0));
        assertEquals("v", h.value(0));
    }

    @Test
    void absentNameGivesNullAndMinusOne() {
        Headers h = new Headers().add("A", "1");
        assertNull(h.get("B"));
        assertNull(h.get(HeaderName.HOST));
        assertEquals(-1, h.indexOf("B"));
        assertEquals(-1, h.indexOf(HeaderName.HOST));
        assertFalse(h.contains("AB"));
        assertEquals(List.of(), h.getAll("B"));
    }

    @Test
    void namesThatShareAPrefixAreDistinct() {
        Headers h = new Headers().add("Accept", "a").add("Accept-Encoding", "gzip").add("Accept-Language", "en");
        assertEquals("a", h.get("Accept"));
        assertEquals("gzip", h.get(HeaderName.ACCEPT_ENCODING));
        assertNull(h.get("Accept-"));
    }

    @Test
    void addKeepsEveryFieldInOrder() {
        // RFC 9110 §5.3: the order of field lines with the same name is significant.
        Headers h = new Headers()
                .add("Set-Cookie", "a=1")
                .add("X-Other", "o")
                .add("set-cookie", "b=2")
                .add("SET-COOKIE", "c=3");
        assertEquals(4, h.size());
        assertEquals(List.of("a=1", "b=2", "c=3"), h.getAll(HeaderName.SET_COOKIE));
        assertEquals(List.of("a=1", "b=2", "c=3"), h.getAll("Set-Cookie"));
        assertEquals("a=1", h.get("Set-Cookie"));
    }

    @Test
    void setReplacesEveryFieldOfTheName() {
        Headers h = new Headers().add("Vary", "a").add("X", "x").add("vary", "b");
        h.set("VARY", "c");
        assertEquals(List.of("c"), h.getAll("Vary"));
        assertEquals("x", h.get("X"));
        assertEquals(2, h.size());
    }

    @Test
    void removeDropsEveryFieldOfTheNameAndKeepsTheRestInOrder() {
        Headers h = new Headers().add("A", "1").add("B", "2").add("a", "3").add("C", "4").add("A", "5");
        assertTrue(h.remove("a"));
        assertEquals(2, h.size());
        assertEquals("B", h.name(0));
        assertEquals("2", h.value(0));
        assertEquals("C", h.name(1));
        assertEquals("4", h.value(1));
        assertFalse(h.remove(HeaderName.of("A")));
        assertFalse(h.remove("Nothing"));
    }

    @Test
    void clearEmptiesAndTheListCanBeReused() {
        Headers h = new Headers().add("A", "1");
        h.clear();
        assertTrue(h.isEmpty());
        assertNull(h.get("A"));
        h.add("B", "2");
        assertEquals("2", h.get("B"));
        assertEquals(1, h.size());
    }

    @Test
    void growsPastItsInitialCapacity() {
        Headers h = new Headers(16, 4);
        for (int i = 0; i < 200; i++) {
            h.add("X-Field-" + i, "value-" + i + "-" + "v".repeat(i));
        }
        assertEquals(200, h.size());
        for (int i = 0; i < 200; i++) {
            assertEquals("value-" + i + "-" + "v".repeat(i), h.get("x-field-" + i));
        }
    }

    @Test
    void containsTokenFindsListElementsIgnoringCaseAndWhitespace() {
        // RFC 9110 §5.6.1: #element lists with optional whitespace and empty elements.
        Headers h = new Headers()
                .add("Connection", "keep-alive, Upgrade")
                .add("connection", " ,\tHTTP2-Settings ,, foo\t");
        assertTrue(h.containsToken(HeaderName.CONNECTION, "upgrade"));
        assertTrue(h.containsToken(HeaderName.CONNECTION, "KEEP-ALIVE"));
        assertTrue(h.containsToken(HeaderName.CONNECTION, "http2-settings"));
        assertTrue(h.containsToken(HeaderName.CONNECTION, "foo"));
        assertFalse(h.containsToken(HeaderName.CONNECTION, "close"));
        assertFalse(h.containsToken(HeaderName.CONNECTION, "keep"));
        assertFalse(h.containsToken(HeaderName.CONNECTION, "alive"));
        assertFalse(h.containsToken(HeaderName.UPGRADE, "upgrade"));
    }

    @Test
    void containsTokenDoesNotMatchSubstrings() {
        Headers h = new Headers().add("Connection", "closed, xclose, close-ish");
        assertFalse(h.containsToken(HeaderName.CONNECTION, "close"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: evil=1", "a\rb", "a\nb", "\u0000", "a\u0001", "a\u001f", "a\u007f",
            "\u20ac", "a\u0100"})
    void rejectsValuesThatCouldSplitTheResponse(String value) {
        // RFC 9110 §5.5: field values never contain CR, LF or NUL; others controls are invalid.
        Headers h = new Headers().add("Before", "ok");
        assertThrows(IllegalArgumentException.class, () -> h.add("X", value));
        assertThrows(IllegalArgumentException.class, () -> h.set("X", value));
        if (value.chars().allMatch(c -> c <= 0xFF)) {
            assertThrows(IllegalArgumentException.class,
                    () -> h.set(HeaderName.of("X"), value.getBytes(StandardCharsets.ISO_8859_1)));
        }
        assertEquals(1, h.size());
        assertEquals("ok", h.get("Before"));
        assertNull(h.get("X"));
        h.add("After", "fine");
        assertEquals("Before: ok\nAfter: fine\n", h.toString());
    }

    @Test
    void rejectedSetLeavesTheFieldItWouldHaveReplaced() {
        Headers h = new Headers().add("Location", "/safe");
        assertThrows(IllegalArgumentException.class, () -> h.set("Location", "/x\r\nSet-Cookie: a=b"));
        assertThrows(IllegalArgumentException.class,
                () -> h.set(HeaderName.LOCATION, "/x\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of("/safe"), h.getAll(HeaderName.LOCATION));
    }

    @Test
    void allowsHtabSpaceAndObsTextInValues() {
        // RFC 9110 §5.5: field-vchar includes obs-text (0x80-0xFF); HTAB and SP are allowed inside.
        Headers h = new Headers().add("X", "a\tb c").add("Y", "café \u00ff\u0080");
        assertEquals("a\tb c", h.get("X"));
        assertEquals("café \u00ff\u0080", h.get("Y"));
        h.set(HeaderName.of("Z"), new byte[] {'a', (byte) 0x80, (byte) 0xFF, '\t', 'b'});
        assertEquals("a\u0080\u00ff\tb", h.get("Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a:b", "a\r", "Host\n", "(x)", "a/b", "caf\u00e9", "\u20ac"})
    void rejectsNamesThatAreNotTokens(String name) {
        // RFC 9110 §5.1: field-name = token
        assertThrows(IllegalArgumentException.class, () -> new Headers().add(name, "v"));
    }

    @Test
    void setsDecimalNumbers() {
        Headers h = new Headers();
        long[] values = {0, 7, 10, 99, 100, 1234567890123L, -1, -42, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long v : values) {
            h.set(HeaderName.CONTENT_LENGTH, v);
            assertEquals(Long.toString(v), h.get(HeaderName.CONTENT_LENGTH), Long.toString(v));
            assertEquals(1, h.size());
        }
    }

    @Test
    void setsEncodedBytes() {
        Headers h = new Headers().add("Content-Type", "a").add("content-type", "b");
        h.set(HeaderName.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("application/json"), h.getAll(HeaderName.CONTENT_TYPE));
    }

    @Test
    void addAllCopiesEveryField() {
        Headers a = new Headers().add("A", "1").add("B", "2");
        Headers b = new Headers().add("Z", "0");
        b.addAll(a);
        a.clear();
        a.add("A", "changed");
        assertEquals(3, b.size());
        assertEquals("1", b.get("A"));
        assertEquals("2", b.get("b"));
    }

    @Test
    void forEachVisitsInOrder() {
        Headers h = new Headers().add("A", "1").add("B", "2").add("a", "3");
        List<String> seen = new ArrayList<>();
        h.forEach((n, v) -> seen.add(n + "=" + v));
        assertEquals(List.of("A=1", "B=2", "a=3"), seen);
    }

    @Test
    void positionsOutOfRangeThrow() {
        Headers h = new Headers().add("A", "1");
        assertThrows(IndexOutOfBoundsException.class, () -> h.name(1));
        assertThrows(IndexOutOfBoundsException.class, () -> h.value(-1));
    }

    @Test
    void rawOffsetsLocateEachField() {
        Headers h = new Headers().add("Name", "value").add("N2", "");
        byte[] data = h.rawData();
        assertEquals("Name", new String(data, h.nameOffset(0), h.nameLength(0), StandardCharsets.US_ASCII));
        assertEquals("value", new String(data, h.valueOffset(0), h.valueLength(0), StandardCharsets.US_ASCII));
        assertEquals(0, h.valueLength(1));
    }

    // ---- block mode: protocol engines record fields by their offsets in a copied head ----

    @Test
    void blockFieldsAreReadFromTheCopiedBlock() {
        byte[] wire = "junkGET / HTTP/1.1\r\nHost: example.com\r\nX-Id: 42\r\n\r\nmore".getBytes(StandardCharsets.US_ASCII);
        int headStart = 4;
        int headEnd = wire.length - 4;
        Headers h = new Headers(16, 4).add("Stale", "field");
        h.resetToBlock(wire, headStart, headEnd - headStart);
        int host = indexOf(wire, "Host");
        int id = indexOf(wire, "X-Id");
        h.addBlockField(host, 4, host + 6, 11);
        h.addBlockField(id, 4, id + 6, 2);
        java.util.Arrays.fill(wire, (byte) '#'); // the block was copied: the source may be reused
        assertEquals(2, h.size());
        assertNull(h.get("Stale"));
        assertEquals("example.com", h.get(HeaderName.HOST));
        assertEquals("42", h.get("x-id"));
        assertEquals("X-Id", h.name(1));
    }

    @Test
    void fieldsAddedAfterABlockFollowIt() {
        byte[] wire = "A: 1\r\n".getBytes(StandardCharsets.US_ASCII);
        Headers h = new Headers();
        h.resetToBlock(wire, 0, wire.length);
        h.addBlockField(0, 1, 3, 1);
        h.add("B", "2");
        h.set(HeaderName.CONTENT_LENGTH, 10);
        assertEquals("1", h.get("A"));
        assertEquals("2", h.get("B"));
        assertEquals("10", h.get("Content-Length"));
        assertTrue(h.remove("A"));
        assertEquals("2", h.get("B"));
    }

    @Test
    void blockLargerThanTheStorageGrowsIt() {
        String big = "V".repeat(5000);
        byte[] wire = ("Big: " + big + "\r\n").getBytes(StandardCharsets.US_ASCII);
        Headers h = new Headers(16, 4);
        h.resetToBlock(wire, 0, wire.length);
        h.addBlockField(0, 3, 5, big.length());
        assertEquals(big, h.get("big"));
    }

    private static int indexOf(byte[] buf, String s) {
        return new String(buf, StandardCharsets.US_ASCII).indexOf(s);
    }

    @Test
    void fieldsFromTheWireAreFoundByTheirRegisteredNameInAnyCase() {
        Headers h = new Headers();
        byte[] wire = "cOnTeNt-TyPe: text/plain\r\nX-Custom: 1\r\n".getBytes(StandardCharsets.ISO_8859_1);
        h.addRaw(wire, 0, 12, 14, 10);
        h.addRaw(wire, 26, 8, 36, 1);
        assertEquals(0, h.indexOf(HeaderName.CONTENT_TYPE));
        assertEquals(0, h.indexOf(HeaderName.of("content-type")));
        assertEquals(1, h.indexOf(HeaderName.of("x-custom")));
        assertEquals(-1, h.indexOf(HeaderName.HOST));
        assertEquals(-1, h.indexOf(HeaderName.of("X-Other")));
        assertEquals("text/plain", h.get(HeaderName.CONTENT_TYPE));
        assertTrue(h.remove(HeaderName.CONTENT_TYPE));
        assertEquals(0, h.indexOf(HeaderName.of("X-CUSTOM")));
    }
}
