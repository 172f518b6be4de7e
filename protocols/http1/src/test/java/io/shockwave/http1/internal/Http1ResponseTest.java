package io.shockwave.http1.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.shockwave.http1.internal.Exchanges.head;
import static io.shockwave.http1.internal.Exchanges.responses;
import static io.shockwave.http1.internal.Exchanges.serve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The response as written on the wire (RFC 9112 §4-§6, RFC 9110 §6.4.1, §9.3.2). */
class Http1ResponseTest {
    private static final String GET = head("GET /a HTTP/1.1", "Host: x");
    private static final String HEAD = head("HEAD /a HTTP/1.1", "Host: x");
    private static final String NEXT = head("GET /next HTTP/1.1", "Host: x");
    private static final String DATE = "Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    /** The output with its Date value replaced, after checking it is an IMF-fixdate. */
    private static String withoutDate(MemoryChannel ch) {
        String out = ch.outputText();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(DATE).matcher(out);
        int dates = 0;
        while (m.find()) {
            dates++;
        }
        assertTrue(dates > 0, "every response has a Date: " + out);
        return out.replaceAll(DATE, "Date: *");
    }

    @Test
    void sendWritesTheStatusLineFieldsAndBodyByteExact() {
        StubContext ctx = new StubContext((req, res) -> res.header("X-A", "1").send("hello")).serverHeader("Shockwave");
        MemoryChannel ch = serve(ctx, GET);
        assertEquals("HTTP/1.1 200 OK\r\n"
                + "Date: *\r\n"
                + "Server: Shockwave\r\n"
                + "X-A: 1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 5\r\n"
                + "\r\n"
                + "hello", withoutDate(ch));
    }

    @Test
    void sendBytesKeepsTheHandlersContentType() {
        MemoryChannel ch = serve((req, res) -> res.status(Status.CREATED).contentType("application/json")
                .send("{}".getBytes(StandardCharsets.US_ASCII)), GET);
        assertEquals("HTTP/1.1 201 Created\r\nDate: *\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                withoutDate(ch));
    }

    @Test
    void sendSliceOfAnArray() {
        MemoryChannel ch = serve((req, res) -> res.send("xxhelloxx".getBytes(StandardCharsets.US_ASCII), 2, 5), GET);
        assertEquals("hello", responses(ch).next().bodyText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"héllo", "€uro", "\uD83D\uDE00 grin", "mixed a\u00e9\u20ac\uD83D\uDE00z"})
    void sendStringCountsUtf8Bytes(String text) {
        MemoryChannel ch = serve((req, res) -> res.send(text), GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), p.body());
        assertEquals(String.valueOf(text.getBytes(StandardCharsets.UTF_8).length), p.header("Content-Length"));
        assertEquals(text, r.next().bodyText(), "the next response starts where this body ends");
    }

    @Test
    void sendStringReplacesUnpairedSurrogatesAndCountsThem() {
        MemoryChannel ch = serve((req, res) -> res.send("a\uD800b\uDC00c"), GET + NEXT);
        ResponseReader r = responses(ch);
        assertEquals("a?b?c", r.next().bodyText());
        assertEquals("a?b?c", r.next().bodyText(), "the next response starts where this body ends");
    }

    @Test
    void sendStringLongerThanTheWriteBuffer() {
        String text = "ü".repeat(20_000) + "end";
        MemoryChannel ch = serve((req, res) -> res.send(text), GET);
        assertEquals(text, responses(ch).next().bodyText());
    }

    @Test
    void responseWithoutBodyHasContentLengthZero() {
        // RFC 9110 §8.6: a response with no content still declares its length to stay persistent.
        MemoryChannel ch = serve((req, res) -> res.status(Status.ACCEPTED), GET + NEXT);
        assertEquals("HTTP/1.1 202 Accepted\r\nDate: *\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 202 Accepted\r\nDate: *\r\nContent-Length: 0\r\n\r\n", withoutDate(ch));
    }

    @Test
    void headResponseDeclaresTheLengthButSendsNoBody() {
        // RFC 9110 §9.3.2: the same fields as GET, no content.
        MemoryChannel ch = serve((req, res) -> res.send("hello"), HEAD + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed head = r.nextToHead();
        assertEquals("5", head.header("Content-Length"));
        assertEquals("hello", r.next().bodyText(), "no body bytes between the two responses");
        assertTrue(r.atEnd());
    }

    @Test
    void headResponseStreamedSendsNoBodyAndNoFraming() {
        MemoryChannel ch = serve((req, res) -> {
            OutputStream out = res.output();
            out.write("streamed".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.write(new byte[20_000]);
        }, HEAD + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed head = r.nextToHead();
        assertNull(head.header("Transfer-Encoding"));
        assertFalse(head.closes());
        ResponseReader.Parsed next = r.next();
        assertEquals(200, next.status());
        assertTrue(next.isChunked());
        assertEquals(20_008, next.body().length);
        assertTrue(r.atEnd());
    }

    @Test
    void headResponseMayDeclareALengthItDoesNotSend() {
        MemoryChannel ch = serve((req, res) -> {
            if (req.path().equals("/next")) {
                res.send("next");
            } else {
                res.contentLength(1234);
            }
        }, HEAD + NEXT);
        ResponseReader r = responses(ch);
        assertEquals("1234", r.nextToHead().header("Content-Length"));
        assertEquals(200, r.next().status(), "no body bytes between the two responses");
        assertTrue(r.atEnd());
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void noContentAndNotModifiedCarryNoLengthAndNoBody(int code) {
        // RFC 9110 §6.4.1, §8.6: no content, and a server MUST NOT send Content-Length in a 204.
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            switch (n.getAndIncrement()) {
                case 0 -> res.status(code).send("ignored");
                case 1 -> res.status(code).send();
                case 2 -> {
                    res.status(code);
                    res.output().write("ignored too".getBytes(StandardCharsets.US_ASCII));
                }
                default -> res.send("next");
            }
        }, GET + GET + GET + NEXT);
        String bare = "HTTP/1.1 " + code + " " + Status.of(code).reason() + "\r\nDate: *\r\n\r\n";
        assertTrue(withoutDate(ch).contains(bare + bare + "HTTP/1.1 200 OK\r\n"), withoutDate(ch));
        ResponseReader r = responses(ch);
        for (int i = 0; i < 3; i++) {
            ResponseReader.Parsed p = r.next();
            assertEquals(code, p.status());
            assertNull(p.header("Content-Length"));
            assertNull(p.header("Transfer-Encoding"));
        }
        assertEquals("next", r.next().bodyText(), "no body bytes after a " + code);
        assertFalse(ch.outputText().contains("ignored"));
    }

    @Test
    void http10StreamedResponseIsDelimitedByClosing() {
        // RFC 9112 §6.3 (8): without chunked coding, an HTTP/1.0 body of unknown length ends at close.
        MemoryChannel ch = serve((req, res) -> {
            OutputStream out = res.output();
            for (int i = 0; i < 100; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }, head("GET / HTTP/1.0", "Connection: keep-alive") + head("GET /next HTTP/1.0"));
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertNull(p.header("Transfer-Encoding"));
        assertNull(p.header("Content-Length"));
        assertTrue(p.closes());
        assertTrue(p.bodyText().startsWith("line 0\n") && p.bodyText().endsWith("line 99\n"), p.bodyText());
        assertTrue(ch.transportClosed());
        assertEquals(0, ch.outputText().indexOf("HTTP/1.1 "));
        assertEquals(-1, ch.outputText().indexOf("HTTP/1.1 ", 1), "the next request is not served");
    }

    @Test
    void http10KeepAliveResponseSaysSo() {
        MemoryChannel ch = serve((req, res) -> res.send("x"),
                head("GET / HTTP/1.0", "Connection: keep-alive") + head("GET /next HTTP/1.0"));
        assertEquals("HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n"
                + "Connection: keep-alive\r\n\r\nx"
                + "HTTP/1.1 200 OK\r\nDate: *\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 1\r\n"
                + "Connection: close\r\n\r\nx", withoutDate(ch));
    }

    @Test
    void declaredLengthStreamsWithoutChunking() {
        MemoryChannel ch = serve((req, res) -> {
            res.contentLength(11);
            res.output().write("hello".getBytes(StandardCharsets.US_ASCII));
            res.output().write(" world".getBytes(StandardCharsets.US_ASCII));
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals("11", p.header("Content-Length"));
        assertNull(p.header("Transfer-Encoding"));
        assertEquals("hello world", p.bodyText());
        assertFalse(p.closes());
        assertEquals(200, r.next().status());
    }

    @Test
    void contentLengthFieldSetByTheHandlerFramesTheStream() {
        MemoryChannel ch = serve((req, res) -> {
            res.headers().set("content-length", "5");
            res.output().write("hello".getBytes(StandardCharsets.US_ASCII));
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(1, p.count("Content-Length"));
        assertEquals("hello", p.bodyText());
        assertNull(p.header("Transfer-Encoding"));
        assertEquals(200, r.next().status());
    }

    @Test
    void framingFieldsSetByTheHandlerAreReplaced() {
        MemoryChannel ch = serve((req, res) -> {
            res.header("Transfer-Encoding", "gzip");
            res.header("Content-Length", "999");
            res.send("ok");
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertNull(p.header("Transfer-Encoding"));
        assertEquals(1, p.count("Content-Length"));
        assertEquals("2", p.header("Content-Length"));
        assertEquals("ok", p.bodyText());
        assertEquals(200, r.next().status());
    }

    @Test
    void connectionCloseSetByTheHandlerEndsTheConnection() {
        List<String> paths = new ArrayList<>();
        MemoryChannel ch = serve((req, res) -> {
            paths.add(req.path());
            res.header(HeaderName.CONNECTION, "close").send("bye");
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(1, p.count("Connection"));
        assertTrue(p.closes());
        assertTrue(r.atEnd());
        assertEquals(List.of("/a"), paths);
    }

    @Test
    void aGracefulCloseAnswersTheRequestsAlreadyReadAndMarksTheLastClose() {
        MemoryChannel[] ch = new MemoryChannel[1];
        StubContext ctx = new StubContext((req, res) -> {
            if (req.path().equals("/a")) {
                ch[0].closeGracefully(); // the server stops while /a is served; /next is already read
            }
            res.send(req.path());
        });
        ch[0] = new MemoryChannel(ctx).feed(GET + NEXT);
        serve(ctx, ch[0]);
        ResponseReader r = responses(ch[0]);
        ResponseReader.Parsed first = r.next();
        assertEquals("/a", first.bodyText());
        assertFalse(first.closes(), "not the last: a request follows it");
        ResponseReader.Parsed last = r.next();
        assertEquals("/next", last.bodyText());
        assertTrue(last.closes());
        assertTrue(r.atEnd());
        assertTrue(ch[0].outputShut(), "closed in stages: FIN first");
    }

    @Test
    void fieldsDoNotCarryOverToTheNextResponse() {
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            if (n.getAndIncrement() == 0) {
                res.header("X-First", "1").status(Status.NOT_FOUND);
            }
            res.send("body");
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed first = r.next();
        assertEquals(404, first.status());
        assertEquals("1", first.header("X-First"));
        ResponseReader.Parsed second = r.next();
        assertEquals(200, second.status());
        assertNull(second.header("X-First"));
    }

    @Test
    void committedResponseRefusesChanges() {
        List<String> refused = new ArrayList<>();
        serve((req, res) -> {
            res.send("done");
            try {
                res.status(Status.NOT_FOUND);
            } catch (IllegalStateException e) {
                refused.add("status");
            }
            try {
                res.contentLength(3);
            } catch (IllegalStateException e) {
                refused.add("length");
            }
            try {
                res.output();
            } catch (IllegalStateException e) {
                refused.add("output");
            }
            try {
                res.send("again");
            } catch (IllegalStateException e) {
                refused.add("send");
            }
            assertTrue(res.isCommitted());
        }, GET);
        assertEquals(List.of("status", "length", "output", "send"), refused);
    }

    @Test
    void headerValueWithCrLfCannotSplitTheResponse() {
        // RFC 9110 §5.5: CR and LF never appear in a field value.
        MemoryChannel ch = serve((req, res) -> res.header("Location", "/x\r\nSet-Cookie: owned=1").send("x"), GET);
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(500, p.status());
        assertFalse(ch.outputText().contains("Set-Cookie"));
    }

    @Test
    void statusLineCarriesCustomCodesAndReasons() {
        AtomicInteger n = new AtomicInteger();
        MemoryChannel ch = serve((req, res) -> {
            res.status(n.getAndIncrement() == 0 ? Status.of(299) : Status.of(200, "Fine")).send();
        }, GET + NEXT);
        String out = ch.outputText();
        assertTrue(out.startsWith("HTTP/1.1 299 Unknown\r\n"), out);
        assertTrue(out.contains("\r\n\r\nHTTP/1.1 200 Fine\r\n"), out);
    }

    @Test
    void outputAfterTheHandlerReturnedIsRefused() {
        OutputStream[] kept = new OutputStream[1];
        serve((req, res) -> {
            kept[0] = res.output();
            kept[0].write('x');
        }, GET);
        assertThrows(java.io.IOException.class, () -> kept[0].write('y'));
    }
}
