package io.shockwave.http1.internal;

import io.shockwave.runtime.spi.BufferPool;
import io.shockwave.runtime.Handler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.shockwave.http1.internal.Exchanges.head;
import static io.shockwave.http1.internal.Exchanges.responses;
import static io.shockwave.http1.internal.Exchanges.serve;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write buffer and its in-place chunk framing (RFC 9112 §7.1): what a handler streams
 * arrives, decoded, exactly as written, whatever the sizes of its writes.
 */
class OutputBufferTest {
    private static final String GET = head("GET /stream HTTP/1.1", "Host: x");
    private static final String NEXT = head("GET /next HTTP/1.1", "Host: x");
    private static final int BUFFER = 16 * 1024;

    static Stream<Arguments> writePatterns() {
        List<Arguments> out = new ArrayList<>();
        int[][] patterns = {
            {1},
            {3000},
            {20_000},
            {BUFFER},
            {BUFFER / 2},
            {BUFFER / 2 - 1},
            {BUFFER - 10},
            {BUFFER - 11, 1, 1},
            IntStream.generate(() -> 1).limit(3000).toArray(),
            IntStream.generate(() -> 37).limit(1000).toArray(),
            {100, 20_000, 1, 17_000, 5, 0, 8000},
            {9000, 9000, 9000},
            {0},
            {0, 0, 5, 0},
        };
        for (int[] p : patterns) {
            out.add(Arguments.of(p, false));
            out.add(Arguments.of(p, true));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "writes {0}, flush after each: {1}")
    @MethodSource("writePatterns")
    void chunkedBodyDecodesToWhatTheHandlerWrote(int[] sizes, boolean flushEach) {
        Random random = new Random(sizes.length * 31L + sizes[0]);
        byte[] expected = new byte[IntStream.of(sizes).sum()];
        random.nextBytes(expected);
        Handler handler = (req, res) -> {
            if (!req.path().equals("/stream")) {
                res.send("next");
                return;
            }
            OutputStream out = res.output();
            int off = 0;
            for (int n : sizes) {
                if (n == 1) {
                    out.write(expected[off]);
                } else {
                    out.write(expected, off, n);
                }
                off += n;
                if (flushEach) {
                    out.flush();
                }
            }
        };
        MemoryChannel ch = serve(handler, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertTrue(p.isChunked(), "no declared length: chunked");
        assertNull(p.header("Content-Length"));
        assertArrayEquals(expected, p.body());
        assertTrue(p.chunkSizes().stream().allMatch(s -> s > 0), "no empty chunk before the last: " + p.chunkSizes());
        assertEquals("next", r.next().bodyText(), "the body ends exactly where its framing says");
        assertTrue(r.atEnd());
    }

    @Test
    void smallWritesShareAChunkUntilFlushed() {
        MemoryChannel ch = serve((req, res) -> {
            OutputStream out = res.output();
            for (int i = 0; i < 100; i++) {
                out.write(("w" + i + ",").getBytes(StandardCharsets.US_ASCII));
            }
        }, GET);
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals(1, p.chunkSizes().size(), "one chunk for writes that fit the buffer: " + p.chunkSizes());
    }

    @Test
    void flushPushesWhatWasWrittenToTheClient() {
        List<String> seen = new ArrayList<>();
        MemoryChannel[] channel = new MemoryChannel[1];
        StubContext ctx = new StubContext((req, res) -> {
            OutputStream out = res.output();
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            seen.add(channel[0].outputText());
            out.write("world".getBytes(StandardCharsets.US_ASCII));
        });
        channel[0] = new MemoryChannel(ctx).feed(GET);
        serve(ctx, channel[0]);
        String afterFlush = seen.get(0);
        assertTrue(afterFlush.contains("Transfer-Encoding: chunked\r\n"), afterFlush);
        assertTrue(afterFlush.endsWith("\r\nhello\r\n"), afterFlush);
        assertEquals("helloworld", responses(channel[0]).next().bodyText());
    }

    @Test
    void flushBeforeAnyBodyCommitsTheHead() {
        MemoryChannel ch = serve((req, res) -> {
            res.header("X-Early", "yes");
            res.output().flush();
            res.output().write("late".getBytes(StandardCharsets.US_ASCII));
        }, GET);
        ResponseReader.Parsed p = responses(ch).next();
        assertEquals("yes", p.header("X-Early"));
        assertEquals("late", p.bodyText());
    }

    @Test
    void trailersFollowTheLastChunk() {
        // RFC 9112 §7.1.2: trailer-section after last-chunk.
        MemoryChannel ch = serve((req, res) -> {
            res.output().write("data".getBytes(StandardCharsets.US_ASCII));
            res.trailers().set("X-Checksum", "abc123");
            res.trailers().add("X-Count", "1");
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        ResponseReader.Parsed p = r.next();
        assertEquals("data", p.bodyText());
        assertEquals("abc123", p.trailer("X-Checksum"));
        assertEquals("1", p.trailer("X-Count"));
        assertEquals(200, r.next().status());
    }

    @Test
    void closingTheStreamEndsTheResponseEarly() throws IOException {
        MemoryChannel ch = serve((req, res) -> {
            OutputStream out = res.output();
            out.write('a');
            out.close();
            out.close();
        }, GET + NEXT);
        ResponseReader r = responses(ch);
        assertEquals("a", r.next().bodyText());
        assertEquals(200, r.next().status());
    }

    // ---- the buffer on its own, small enough that every write crosses its edges ----

    @Test
    void chunkFramingHoldsAtEveryBufferEdge() throws IOException {
        Random random = new Random(7230);
        for (int round = 0; round < 200; round++) {
            int size = 24 + random.nextInt(80);
            MemoryChannel ch = new MemoryChannel(new StubContext((req, res) -> { }));
            OutputBuffer out = new OutputBuffer(ch, new BufferPool(size, 1));
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            for (int w = 0; w < 50; w++) {
                byte[] data = new byte[random.nextInt(size * 2)];
                random.nextBytes(data);
                out.writeChunked(data, 0, data.length);
                expected.write(data);
                if (random.nextInt(5) == 0) {
                    out.flush();
                }
            }
            out.closeChunk();
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ResponseReader.Parsed p = new ResponseReader(ch.output()).next();
            assertArrayEquals(expected.toByteArray(), p.body(), "buffer of " + size);
            assertTrue(p.chunkSizes().stream().allMatch(s -> s > 0), "buffer of " + size);
        }
    }

    @Test
    void writesUtf8AcrossBufferEdges() throws IOException {
        Random random = new Random(3629);
        char[] alphabet = {'a', 'é', '€', '\uD83D', '\uDE00', '\uD800', 'z', '\u07FF', '\u0800', '\uFFFF'};
        for (int round = 0; round < 200; round++) {
            char[] chars = new char[random.nextInt(200)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(chars);
            MemoryChannel ch = new MemoryChannel(new StubContext((req, res) -> { }));
            OutputBuffer out = new OutputBuffer(ch, new BufferPool(16 + random.nextInt(16), 1));
            out.writeUtf8(s);
            out.flush();
            byte[] written = ch.output();
            assertEquals(OutputBuffer.utf8Length(s), written.length, s);
            // The JDK's encoder also turns each unpaired surrogate into '?'.
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), written, s);
        }
    }

    @Test
    void writesDecimalNumbers() throws IOException {
        long[] values = {0, 1, 9, 10, 99, 100, 65_535, 1L << 40, Long.MAX_VALUE};
        for (long v : values) {
            MemoryChannel ch = new MemoryChannel(new StubContext((req, res) -> { }));
            OutputBuffer out = new OutputBuffer(ch, new BufferPool(24, 1));
            out.write(new byte[10]);
            out.writeDecimal(v);
            out.flush();
            byte[] written = ch.output();
            assertEquals(Long.toString(v), new String(Arrays.copyOfRange(written, 10, written.length),
                    StandardCharsets.US_ASCII));
        }
    }
}
