package io.shockwave.benchmarks;

import io.shockwave.http2.hpack.HpackDecoder;
import io.shockwave.http2.hpack.HpackEncoder;
import io.shockwave.http2.hpack.HpackException;
import io.shockwave.http2.internal.Http2Connection;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Routes;
import io.shockwave.runtime.spi.ServerContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whole HTTP/2 exchanges through the real {@link Http2Connection} on an in-memory
 * channel ({@link InMemoryHttp2Channel}): the benchmark thread is the client, the
 * connection's reader runs on its virtual thread, and each request's handler on a stream
 * worker, as on a socket. A benchmark invocation hands the reader one read's worth of
 * frames (each request's HEADERS as a browser encodes it the second time on a
 * connection: every field indexed, plus a connection WINDOW_UPDATE for the DATA of the
 * previous round) and waits until the server has ended every stream of it. The cost
 * therefore includes frame parsing, HPACK, the §8 checks, routing, the hand-offs to the
 * stream workers and back, response HPACK and framing, and the write.
 *
 * <ul>
 *   <li>{@code get}: one {@code GET /plaintext} per round, as {@code h2load -c1 -m1}:
 *       every hand-off, once per request.</li>
 *   <li>{@code get16}: sixteen per round, per request, as {@code h2load -m16}.</li>
 *   <li>{@code echo16}: sixteen {@code POST /echo} with a 1 KiB body each (HEADERS, then
 *       DATA with END_STREAM), echoed back, per request.</li>
 *   <li>{@code download64k}: one {@code GET} of a 64 KiB response: four DATA frames of
 *       16 KiB.</li>
 * </ul>
 *
 * <p>Allocation ({@code -prof gc} counts every thread): each wake-up of a parked virtual
 * thread allocates the JDK's {@code ForkJoinTask} adapter for its continuation (about
 * 32 bytes); a round wakes the reader once and one worker per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http2ExchangeBenchmark {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BYTES_64K = new byte[64 * 1024];
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 0x1;
    private static final int DATA = 0x0;
    private static final int SETTINGS = 0x4;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int CLIENT_WINDOW = 1 << 30;
    private static final int ROUND = 16;

    static Handler routes() {
        return new Routes()
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO))
                .get("/bytes64k", (req, res) -> res.contentType("application/octet-stream").send(BYTES_64K))
                .post("/echo", (req, res) -> req.body().transferTo(res.output()))
                .build();
    }

    /** A client connection that sends the same round of requests again and again. */
    public abstract static class Connection {
        private final HpackEncoder hpack = new HpackEncoder(4096);
        private InMemoryHttp2Channel channel;
        private Thread reader;
        private byte[] round;
        private int roundLength;
        /** Where each request's stream id sits in {@link #round}. */
        private int[] idOffsets;
        private int nextStreamId = 1;
        private long owedCredit;
        private long rounds;

        abstract String method();

        abstract String path();

        abstract int requests();

        /** The request body, or null. */
        byte[] body() {
            return null;
        }

        abstract int expectedBodyLength();

        @Setup(Level.Trial)
        public void setup() throws HpackException {
            ServerContext context = InMemoryChannel.context(routes());
            channel = new InMemoryHttp2Channel(context);
            Http2Connection connection = new Http2Connection(channel, context);
            reader = Thread.ofVirtual().name("bench-h2-reader").start(connection::serve);

            // The first round carries the preface and this client's settings, and puts the
            // request's fields in the server's HPACK table; it is answered, and checked.
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.writeBytes(PREFACE);
            byte[] settings = {0, 4, (byte) (CLIENT_WINDOW >>> 24), 0, 0, 0};
            writeFrame(first, SETTINGS, 0, 0, settings, settings.length);
            writeFrame(first, WINDOW_UPDATE, 0, 0, int32(CLIENT_WINDOW), 4);
            writeFrame(first, SETTINGS, 1, 0, new byte[0], 0); // the server's SETTINGS, acknowledged ahead
            first.writeBytes(buildRound(true));
            channel.capture = new ByteArrayOutputStream();
            byte[] bytes = first.toByteArray();
            channel.exchange(bytes, bytes.length, requests());
            check(channel.capture.toByteArray());
            channel.capture = null;

            round = buildRound(false);
            roundLength = round.length;
            round = Arrays.copyOf(round, roundLength + 13); // room for a WINDOW_UPDATE
            rounds = 0;
            channel.writes = 0;
        }

        /** The frames of {@link #requests()} requests; the stream ids are set per round. */
        private byte[] buildRound(boolean first) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Integer> offsets = new ArrayList<>();
            byte[] block = new byte[4096];
            for (int i = 0; i < requests(); i++) {
                int at = hpack.beginBlock(block, 0);
                at = field(block, at, ":method", method());
                at = field(block, at, ":scheme", "http");
                at = field(block, at, ":authority", "localhost:8080");
                at = field(block, at, ":path", path());
                at = field(block, at, "user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
                at = field(block, at, "accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
                at = field(block, at, "accept-language", "en-US,en;q=0.5");
                at = field(block, at, "accept-encoding", "gzip, deflate, br, zstd");
                byte[] body = body();
                if (body != null) {
                    at = field(block, at, "content-length", Integer.toString(body.length));
                }
                offsets.add(out.size() + 5);
                writeFrame(out, HEADERS, END_HEADERS | (body == null ? END_STREAM : 0), 0, block, at);
                if (body != null) {
                    offsets.add(-(out.size() + 5)); // the DATA frame's id: the same stream
                    writeFrame(out, DATA, END_STREAM, 0, body, body.length);
                }
            }
            if (first) {
                byte[] b = out.toByteArray();
                setIds(b, offsets);
                return b;
            }
            idOffsets = offsets.stream().mapToInt(Integer::intValue).toArray();
            return out.toByteArray();
        }

        private void setIds(byte[] b, List<Integer> offsets) {
            int id = nextStreamId;
            for (int offset : offsets) {
                if (offset >= 0) {
                    id = nextStreamId;
                    nextStreamId += 2;
                }
                System.arraycopy(int32(id), 0, b, Math.abs(offset), 4);
            }
        }

        private int field(byte[] block, int at, String name, String value) {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            return hpack.field(n, 0, n.length, v, 0, v.length, HpackEncoder.Indexing.INCREMENTAL, block, at);
        }

        /** One round: fresh stream ids, the credit owed for the last round's DATA, and the answers awaited. */
        final long round() {
            int id = nextStreamId;
            for (int offset : idOffsets) {
                if (offset >= 0) {
                    id = nextStreamId;
                    nextStreamId += 2;
                }
                putInt(round, Math.abs(offset), id);
            }
            if (nextStreamId < 0) {
                throw new IllegalStateException("stream ids exhausted: make the measurement shorter");
            }
            int length = roundLength;
            if (owedCredit > 0) {
                round[length] = 0;
                round[length + 1] = 0;
                round[length + 2] = 4;
                round[length + 3] = WINDOW_UPDATE;
                round[length + 4] = 0;
                putInt(round, length + 5, 0);
                putInt(round, length + 9, (int) owedCredit);
                length += 13;
            }
            owedCredit = channel.exchange(round, length, requests());
            rounds++;
            return owedCredit;
        }

        private void check(byte[] written) throws HpackException {
            HpackDecoder decoder = new HpackDecoder(4096);
            int statuses = 0;
            long body = 0;
            for (int at = 0; at + 9 <= written.length; ) {
                int length = (written[at] & 0xFF) << 16 | (written[at + 1] & 0xFF) << 8 | (written[at + 2] & 0xFF);
                int type = written[at + 3];
                if (type == HEADERS) {
                    int[] status = new int[1];
                    decoder.decode(written, at + 9, length, (n, no, nl, v, vo, vl, i) -> {
                        if (nl == 7 && n[no] == ':') {
                            status[0] = Integer.parseInt(new String(v, vo, vl, StandardCharsets.US_ASCII));
                        }
                    });
                    if (status[0] != 200) {
                        throw new IllegalStateException("status " + status[0] + " for " + method() + " " + path());
                    }
                    statuses++;
                } else if (type == DATA) {
                    body += length;
                }
                at += 9 + length;
            }
            if (statuses != requests() || body != (long) requests() * expectedBodyLength()) {
                throw new IllegalStateException(statuses + " responses with " + body + " body bytes for "
                        + requests() + " requests of " + path());
            }
            owedCredit = body;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            channel.close();
            reader.join(5_000);
            if (Boolean.getBoolean("shockwave.bench.report") && rounds > 0) {
                System.out.printf("%n[%s %s] %d rounds of %d: %.3f writes/round%n", method(), path(), rounds,
                        requests(), (double) channel.writes / rounds);
            }
        }
    }

    static void writeFrame(ByteArrayOutputStream out, int type, int flags, int streamId, byte[] payload, int length) {
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        out.writeBytes(int32(streamId));
        out.write(payload, 0, length);
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    @State(Scope.Thread)
    public static class Get extends Connection {
        @Override
        String method() {
            return "GET";
        }

        @Override
        String path() {
            return "/plaintext";
        }

        @Override
        int requests() {
            return 1;
        }

        @Override
        int expectedBodyLength() {
            return HELLO.length;
        }
    }

    @State(Scope.Thread)
    public static class Get16 extends Get {
        @Override
        int requests() {
            return ROUND;
        }
    }

    @State(Scope.Thread)
    public static class Echo16 extends Connection {
        private static final byte[] BODY = new byte[1024];

        @Override
        String method() {
            return "POST";
        }

        @Override
        String path() {
            return "/echo";
        }

        @Override
        int requests() {
            return ROUND;
        }

        @Override
        byte[] body() {
            return BODY;
        }

        @Override
        int expectedBodyLength() {
            return BODY.length;
        }
    }

    @State(Scope.Thread)
    public static class Download extends Connection {
        @Override
        String method() {
            return "GET";
        }

        @Override
        String path() {
            return "/bytes64k";
        }

        @Override
        int requests() {
            return 1;
        }

        @Override
        int expectedBodyLength() {
            return BYTES_64K.length;
        }
    }

    @Benchmark
    public long get(Get c) {
        return c.round();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND)
    public long get16(Get16 c) {
        return c.round();
    }

    @Benchmark
    @OperationsPerInvocation(ROUND)
    public long echo16(Echo16 c) {
        return c.round();
    }

    @Benchmark
    public long download64k(Download c) {
        return c.round();
    }
}
