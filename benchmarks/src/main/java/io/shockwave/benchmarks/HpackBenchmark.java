package io.shockwave.benchmarks;

import io.shockwave.http2.hpack.HpackDecoder;
import io.shockwave.http2.hpack.HpackEncoder;
import io.shockwave.http2.hpack.HpackException;
import io.shockwave.runtime.Headers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * HPACK on a steady connection (issue 8: 0 B/op). {@code decodeBrowserRequest} decodes a
 * Chromium navigation's header block the way a browser sends it the second time on a
 * connection (every field already in the table, so one byte each, the way its encoder
 * indexes them) into a {@link Headers}, as the engine does; {@code decodeFirstRequest}
 * decodes the same fields as literals, Huffman-coded (the first request, with a fresh
 * decoder each time: it allocates the table's entries by design).
 * {@code encodeResponse} encodes a server response ({@code :status 200}, content-type,
 * content-length, date, server) after the first: only content-length is a literal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HpackBenchmark {
    private static final String[] BROWSER_REQUEST = {
            ":method", "GET", ":authority", "localhost:8443", ":scheme", "https", ":path", "/",
            "sec-ch-ua", "\"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"", "sec-ch-ua-mobile", "?0",
            "sec-ch-ua-platform", "\"Linux\"", "upgrade-insecure-requests", "1",
            "user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
            "sec-fetch-site", "none", "sec-fetch-mode", "navigate", "sec-fetch-user", "?1", "sec-fetch-dest", "document",
            "accept-encoding", "gzip, deflate, br, zstd", "accept-language", "en-US,en;q=0.9", "priority", "u=0, i",
    };

    private final Headers headers = new Headers(1024, 24);
    private final HpackDecoder.Sink sink = (n, no, nl, v, vo, vl, i) -> {
        if (nl == 0 || n[no] != ':') {
            headers.addRaw(n, no, nl, v, vo, vl);
        }
    };
    private HpackDecoder decoder;
    private byte[] steadyBlock;
    private int steadyLength;
    private byte[] firstBlock;
    private int firstLength;

    private HpackEncoder encoder;
    private final byte[] out = new byte[1024];
    private final byte[][] response = {
            "content-type".getBytes(StandardCharsets.US_ASCII), "text/plain".getBytes(StandardCharsets.US_ASCII),
            "date".getBytes(StandardCharsets.US_ASCII), "Wed, 02 Dec 2026 03:30:00 GMT".getBytes(StandardCharsets.US_ASCII),
            "server".getBytes(StandardCharsets.US_ASCII), "shockwave".getBytes(StandardCharsets.US_ASCII),
    };
    private final byte[] contentLength = "content-length".getBytes(StandardCharsets.US_ASCII);
    private final byte[] thirteen = "13".getBytes(StandardCharsets.US_ASCII);

    @Setup
    public void setUp() throws HpackException {
        HpackEncoder browser = new HpackEncoder(4096);
        byte[] b = new byte[4096];
        firstLength = encode(browser, b);
        firstBlock = b.clone();
        steadyLength = encode(browser, b);
        steadyBlock = b.clone();
        decoder = new HpackDecoder(4096);
        decoder.decode(firstBlock, 0, firstLength, sink);
        headers.clear();

        encoder = new HpackEncoder(4096);
        encodeResponse();
    }

    private static int encode(HpackEncoder encoder, byte[] b) {
        int at = encoder.beginBlock(b, 0);
        for (int i = 0; i < BROWSER_REQUEST.length; i += 2) {
            byte[] n = BROWSER_REQUEST[i].getBytes(StandardCharsets.US_ASCII);
            byte[] v = BROWSER_REQUEST[i + 1].getBytes(StandardCharsets.US_ASCII);
            at = encoder.field(n, 0, n.length, v, 0, v.length, HpackEncoder.Indexing.INCREMENTAL, b, at);
        }
        return at;
    }

    @Benchmark
    public int decodeBrowserRequest() throws HpackException {
        headers.clear();
        decoder.decode(steadyBlock, 0, steadyLength, sink);
        return headers.size();
    }

    @Benchmark
    public int decodeFirstRequest() throws HpackException {
        headers.clear();
        new HpackDecoder(4096).decode(firstBlock, 0, firstLength, sink);
        return headers.size();
    }

    @Benchmark
    public int encodeResponse() {
        int at = encoder.beginBlock(out, 0);
        at = encoder.status(200, out, at);
        for (int i = 0; i < response.length; i += 2) {
            at = encoder.field(response[i], 0, response[i].length, response[i + 1], 0, response[i + 1].length,
                    HpackEncoder.Indexing.INCREMENTAL, out, at);
        }
        return encoder.field(contentLength, 0, contentLength.length, thirteen, 0, thirteen.length,
                HpackEncoder.Indexing.NONE, out, at);
    }
}
