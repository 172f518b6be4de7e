package io.shockwave.http1.internal;

import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.RequestBodyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static io.shockwave.http1.internal.Exchanges.bytes;
import static io.shockwave.http1.internal.Exchanges.head;
import static io.shockwave.http1.internal.Exchanges.responses;
import static io.shockwave.http1.internal.Exchanges.serve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunked request bodies (RFC 9112 §7.1): sizes, extensions, trailers, limits and malformed framing. */
class ChunkedBodyTest {
    private static final String CHUNKED_POST = head("POST /upload HTTP/1.1", "Host: x", "Transfer-Encoding: chunked");
    private static final String NEXT = head("GET /next HTTP/1.1", "Host: x");

    /** Reads the whole body and answers with it and the trailers it found. */
    private static final Handler ECHO = (req, res) -> {
        String before = req.trailers().size() + " trailers before";
        byte[] body = req.bodyBytes();
        StringBuilder sb = new StringBuilder(new String(body, StandardCharsets.UTF_8))
                .append('|').append(req.contentLength()).append('|').append(before);
        req.trailers().forEach((n, v) -> sb.append('|').append(n).append('=').append(v));
        res.send(sb.toString());
    };

    private static List<String> answers(MemoryChannel ch) {
        List<String> out = new ArrayList<>();
        for (ResponseReader.Parsed p : responses(ch).all()) {
            out.add(p.status() + " " + p.bodyText());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 64, 100_000})
    void decodesChunksWithExtensionsAndTrailers(int readSize) {
        // chunked-body = *chunk last-chunk trailer-section CRLF; chunk-ext = *( BWS ";" BWS ext-name [ "=" ext-val ] )
        String body = "5;name=value\r\nhello\r\n"
                + "1 ; quoted=\"a b\" ;flag\r\n \r\n"
                + "00000A\r\n0123456789\r\n"
                + "b\r\n, wonderful\r\n"
                + "0;last=yes\r\n"
                + "X-Checksum: abc\r\n"
                + "X-Padded:  v w \t\r\n"
                + "\r\n";
        StubContext ctx = new StubContext(ECHO);
        MemoryChannel ch = new MemoryChannel(ctx).feedInPieces(bytes(CHUNKED_POST + body + NEXT), readSize);
        serve(ctx, ch);
        assertEquals(List.of(
                "200 hello 0123456789, wonderful|-1|0 trailers before|X-Checksum=abc|X-Padded=v w",
                "200 |0|0 trailers before"), answers(ch));
    }

    @Test
    void decodesALargeBodyReadInLargeBlocks() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7112).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(bytes(CHUNKED_POST));
        int[] sizes = {1, 70_000, 16_384, 8191, 123_456};
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = Math.min(sizes[i % sizes.length], data.length - off);
            wire.write(bytes(Integer.toHexString(n) + "\r\n"));
            wire.write(data, off, n);
            wire.write(bytes("\r\n"));
            off += n;
        }
        wire.write(bytes("0\r\n\r\n" + NEXT));
        AtomicReference<byte[]> received = new AtomicReference<>();
        StubContext ctx = new StubContext((req, res) -> {
            if (req.path().equals("/upload")) {
                received.set(readInBlocks(req.body(), 65_536));
            }
            res.send("ok");
        });
        MemoryChannel ch = new MemoryChannel(ctx).feedInPieces(wire.toByteArray(), 50_000);
        serve(ctx, ch);
        assertArrayEquals(data, received.get());
        assertEquals(2, responses(ch).all().size());
    }

    private static byte[] readInBlocks(InputStream in, int block) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[block];
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void readsByteByByte() {
        MemoryChannel ch = serve((req, res) -> {
            StringBuilder sb = new StringBuilder();
            for (int b; (b = req.body().read()) >= 0; ) {
                sb.append((char) b);
            }
            res.send(sb.toString());
        }, CHUNKED_POST + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        assertEquals(List.of("200 abcde"), answers(ch));
    }

    @Test
    void unreadChunkedBodyIsDiscardedAndTheConnectionServesOn() {
        List<String> paths = new ArrayList<>();
        MemoryChannel ch = serve((req, res) -> {
            paths.add(req.path());
            res.send("ok");
        }, CHUNKED_POST + "5\r\nhello\r\n0\r\nT: 1\r\n\r\n" + NEXT);
        assertEquals(List.of("/upload", "/next"), paths);
        assertEquals(2, responses(ch).all().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "zz\r\n",
        "\r\n",
        " 5\r\nhello\r\n0\r\n\r\n",
        "5 x\r\nhello\r\n0\r\n\r\n",
        "5 \r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "5\nhello\r\n0\r\n\r\n",
        "5\rhello\r\n0\r\n\r\n",
        "5;a\u0000b\r\nhello\r\n0\r\n\r\n",
        "5;a\nb\r\nhello\r\n0\r\n\r\n",
        "5\r\nhelloXX\r\n0\r\n\r\n",
        "5\r\nhello\n0\r\n\r\n",
        "5\r\nhello\r\n0\r\nNoColon\r\n\r\n",
        "5\r\nhello\r\n0\r\n folded: x\r\n\r\n",
        "5\r\nhello\r\n0\r\nX: a\u0001b\r\n\r\n",
        "5\r\nhello\r\n0\r\nX : a\r\n\r\n",
    })
    void malformedChunkedBodyIs400AndCloses(String body) {
        // RFC 9112 §7.1: the framing is in doubt, so nothing after it can be read as a request.
        MemoryChannel ch = serve(ECHO, CHUNKED_POST + body + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(400, p.status());
        assertEquals("Malformed chunked encoding", p.bodyText());
        assertTrue(p.closes());
        assertTrue(r.atEnd(), "the next request is not served");
        assertTrue(ch.transportClosed());
    }

    @Test
    void sizeLineLongerThanItsLimitIs400() {
        // Chunk extensions are skipped, so their length is bounded (RFC 9112 §7.1.1).
        String request = CHUNKED_POST + "5;" + "e".repeat(5000) + "\r\nhello\r\n0\r\n\r\n";
        StubContext ctx = new StubContext(ECHO);
        MemoryChannel ch = new MemoryChannel(ctx).feed(CHUNKED_POST).feedInPieces(bytes(request.substring(
                CHUNKED_POST.length())), 16);
        serve(ctx, ch);
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(400, p.status());
        assertTrue(p.closes());
    }

    @Test
    void sizeLineLongerThanItsLimitIs400WhenItArrivesInOneRead() {
        MemoryChannel ch = serve(ECHO, CHUNKED_POST + "5;" + "e".repeat(5000) + "\r\nhello\r\n0\r\n\r\n");
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(400, p.status());
        assertTrue(p.closes());
    }

    @Test
    void bodyOverTheLimitIs413AndCloses() {
        // RFC 9110 §15.5.14: refused as soon as a chunk size takes the total past the limit.
        MemoryChannel ch = serve(ECHO, Limits.DEFAULT.withMaxBodySize(10),
                CHUNKED_POST + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(413, p.status());
        assertTrue(p.closes());
        assertTrue(r.atEnd());
    }

    @Test
    void oneChunkOverTheLimitIs413WithoutReadingIt() {
        MemoryChannel ch = serve(ECHO, Limits.DEFAULT.withMaxBodySize(1000), CHUNKED_POST + "ffffff\r\n");
        assertEquals(413, responses(ch).next().status());
    }

    @Test
    void chunkSizeOfSixteenHexDigitsIs413() {
        MemoryChannel ch = serve(ECHO, CHUNKED_POST + "1000000000000000\r\nx\r\n0\r\n\r\n");
        assertEquals(413, responses(ch).next().status());
    }

    @Test
    void leadingZerosOfAChunkSizeDoNotCountTowardsItsLimit() {
        // RFC 9112 §7.1: chunk-size = 1*HEXDIG; 0000000000000000005 is 5.
        MemoryChannel ch = serve(ECHO, CHUNKED_POST + "0000000000000000005\r\nhello\r\n"
                + "00000000000000000000000000000000\r\n\r\n" + NEXT);
        assertEquals(List.of("200 hello|-1|0 trailers before", "200 |0|0 trailers before"), answers(ch));
    }

    @Test
    void aFailedBodyThrowsTheSameExceptionOnEveryLaterRead() {
        List<Object> seen = new ArrayList<>();
        serve((req, res) -> {
            InputStream in = req.body();
            for (int i = 0; i < 3; i++) {
                try {
                    seen.add(in.read());
                } catch (IOException e) {
                    seen.add(e);
                }
            }
            seen.add(in.available());
        }, CHUNKED_POST + "zz\r\n");
        RequestBodyException first = assertInstanceOf(RequestBodyException.class, seen.get(0));
        assertEquals(400, first.status().code());
        assertSame(first, seen.get(1), "never a quiet -1 after an error");
        assertSame(first, seen.get(2));
        assertEquals(0, seen.get(3));
    }

    @Test
    void aHandlerThatSwallowsTheBodyFailureStillCannotAnswerWithSuccess() {
        MemoryChannel ch = serve((req, res) -> {
            try (java.util.Scanner words = new java.util.Scanner(req.body(), StandardCharsets.UTF_8)) {
                StringBuilder sb = new StringBuilder();
                while (words.hasNext()) { // Scanner swallows the IOException and reports the end of input
                    sb.append(words.next());
                }
                res.send("read " + sb);
            }
        }, CHUNKED_POST + "5\r\nhelloXX0\r\n\r\n" + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals(400, p.status());
        assertEquals("Malformed chunked encoding", p.bodyText());
        assertTrue(p.closes());
        assertTrue(r.atEnd());
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        MemoryChannel ch = serve(ECHO, Limits.DEFAULT.withMaxBodySize(10),
                CHUNKED_POST + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n" + NEXT);
        assertEquals(List.of("200 helloworld|-1|0 trailers before", "200 |0|0 trailers before"), answers(ch));
    }

    @Test
    void trailerSectionOverTheLimitIs431() {
        MemoryChannel ch = serve(ECHO, Limits.DEFAULT.withMaxTrailerBytes(32),
                CHUNKED_POST + "5\r\nhello\r\n0\r\nX-A: " + "a".repeat(20) + "\r\nX-B: " + "b".repeat(20) + "\r\n\r\n");
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(431, p.status());
        assertTrue(p.closes());
    }

    @Test
    void truncatedBodyEndsTheConnection() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        MemoryChannel ch = serve((req, res) -> {
            try {
                req.bodyBytes();
            } catch (IOException e) {
                failure.set(e);
                throw e;
            }
        }, CHUNKED_POST + "10\r\nonly some");
        assertInstanceOf(IOException.class, failure.get());
        assertTrue(ch.transportClosed());
    }

    @Test
    void trailersAreEmptyForTheNextRequest() {
        List<Integer> counts = new ArrayList<>();
        serve((req, res) -> {
            req.bodyBytes();
            counts.add(req.trailers().size());
            res.send();
        }, CHUNKED_POST + "0\r\nA: 1\r\nB: 2\r\n\r\n" + NEXT);
        assertEquals(List.of(2, 0), counts);
    }
}
