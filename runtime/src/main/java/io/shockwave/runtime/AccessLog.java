package io.shockwave.runtime;

import io.shockwave.runtime.internal.Escapes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One line per exchange, on every protocol, written off the request path:
 * {@code Server.builder().observer(AccessLog.combined())}. Lines go to the SLF4J logger
 * {@code io.shockwave.access} at info (or to {@link #to a sink of your own}); while that
 * logger is off, nothing is even recorded.
 *
 * <p>Each exchange leaves a small record in a bounded queue, and one thread of the log's own
 * formats and writes them, so a slow appender (a full disk, a remote collector) never
 * slows a response: when the queue is full, records are dropped and counted
 * ({@link #dropped()}), and the count is logged once it is written again. What a record
 * keeps of the client's text is bounded (the target to {@value #MAX_TARGET} characters, the
 * Referer and User-Agent to {@value #MAX_FIELD}), so a full queue of the largest requests
 * still fits in some tens of megabytes.
 *
 * <p>Formats: {@link #combined()}, Apache's and nginx's combined format followed by the
 * duration in microseconds; {@link #jsonLines()}, one JSON object a line. The remote address
 * is the connection's peer (the client behind a PROXY-protocol listener). Quotes, backslashes,
 * controls and bytes beyond ASCII in what the client sent are escaped, so a request cannot
 * forge a line.
 */
public final class AccessLog implements ExchangeObserver, AutoCloseable {
    /** The logger lines go to unless {@link #to} chose another sink. */
    public static final String LOGGER = "io.shockwave.access";
    private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    /** Characters of the target, and of the Referer and User-Agent, that a record keeps; the rest is cut. */
    static final int MAX_TARGET = 2048;
    static final int MAX_FIELD = 512;
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

    private enum Format { COMBINED, JSON }

    private record Entry(long epochMillis, InetSocketAddress remote, String method, String target, String protocol,
                         int status, long bytes, long micros, String referer, String userAgent, boolean aborted) {
    }

    private final Format format;
    private final Consumer<String> sink;
    private final ArrayBlockingQueue<Entry> queue;
    private final AtomicLong dropped = new AtomicLong();
    /** Started with the first record: a log configured and never used (or replaced by {@link #to}) holds no thread. */
    private final Thread writer;
    private volatile boolean started;
    private volatile boolean closed;

    private AccessLog(Format format, Consumer<String> sink, int capacity) {
        this.format = format;
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("shockwave-access-log").unstarted(this::write);
    }

    /** The combined log format, then the duration in microseconds. */
    public static AccessLog combined() {
        return new AccessLog(Format.COMBINED, null, 16_384);
    }

    /** One JSON object per line. */
    public static AccessLog jsonLines() {
        return new AccessLog(Format.JSON, null, 16_384);
    }

    /** This format, written to {@code sink} on the log's own thread instead of the logger. */
    public AccessLog to(Consumer<String> sink) {
        return new AccessLog(format, Objects.requireNonNull(sink), queue.remainingCapacity() + queue.size());
    }

    /** This format, holding at most {@code records} not yet written. */
    public AccessLog withQueue(int records) {
        return new AccessLog(format, sink, records);
    }

    /** Records dropped because the writer fell behind, since the start. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void exchangeEnded(Request request, Status status, long bodyBytes, long durationNanos, boolean aborted) {
        if (closed || (sink == null && !ACCESS.isInfoEnabled())) {
            return;
        }
        // A request refused before its head was whole (an unknown method, a malformed head) has no method or target.
        Method method = request.method();
        String target = "-";
        if (method != null) {
            String query = request.rawQuery();
            target = cut(query == null ? request.rawPath() : request.rawPath() + "?" + query, MAX_TARGET);
        }
        Entry e = new Entry(System.currentTimeMillis(), request.remoteAddress(), method == null ? "-" : method.name(),
                target, request.protocol(), status.code(), bodyBytes, durationNanos / 1000,
                cut(request.header(HeaderName.REFERER), MAX_FIELD), cut(request.header(HeaderName.USER_AGENT), MAX_FIELD),
                aborted);
        if (!queue.offer(e)) {
            dropped.incrementAndGet();
        }
        if (!started) {
            start();
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private synchronized void start() {
        if (!started && !closed) {
            started = true;
            writer.start();
        }
    }

    private void write() {
        long reported = 0;
        while (!closed || !queue.isEmpty()) {
            Entry e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                if (closed) {
                    continue; // drain what is queued, then end
                }
                return;
            }
            long lost = dropped.get();
            if (lost != reported) {
                LOG.warn("Access log fell behind: {} record(s) dropped so far", lost);
                reported = lost;
            }
            String line = format == Format.COMBINED ? combined(e) : json(e);
            try {
                if (sink != null) {
                    sink.accept(line);
                } else {
                    ACCESS.info(line);
                }
            } catch (RuntimeException ex) {
                LOG.warn("Access log sink failed", ex);
            }
        }
    }

    /**
     * Stops the writer once what is queued is written, waiting a second at most for it (the
     * JVM may be exiting); the server calls it when it has stopped.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (!started) {
                return;
            }
        }
        writer.interrupt();
        if (Thread.currentThread() != writer) {
            try {
                writer.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String address(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    }

    private static String combined(Entry e) {
        StringBuilder b = new StringBuilder(160);
        b.append(address(e.remote)).append(" - - [").append(CLF_TIME.format(Instant.ofEpochMilli(e.epochMillis)))
                .append("] \"").append(e.method).append(' ');
        Escapes.append(b, e.target, false);
        b.append(' ').append(e.protocol).append("\" ").append(e.status).append(' ').append(e.bytes).append(" \"");
        Escapes.append(b, e.referer == null ? "-" : e.referer, false);
        b.append("\" \"");
        Escapes.append(b, e.userAgent == null ? "-" : e.userAgent, false);
        b.append("\" ").append(e.micros);
        if (e.aborted) {
            b.append(" aborted");
        }
        return b.toString();
    }

    private static String json(Entry e) {
        StringBuilder b = new StringBuilder(200);
        b.append("{\"time\":\"").append(Instant.ofEpochMilli(e.epochMillis)).append("\",\"remote\":\"")
                .append(address(e.remote)).append("\",\"method\":\"").append(e.method).append("\",\"target\":\"");
        Escapes.append(b, e.target, true);
        b.append("\",\"protocol\":\"").append(e.protocol).append("\",\"status\":").append(e.status)
                .append(",\"bytes\":").append(e.bytes).append(",\"duration_us\":").append(e.micros);
        if (e.referer != null) {
            b.append(",\"referer\":\"");
            Escapes.append(b, e.referer, true);
            b.append('"');
        }
        if (e.userAgent != null) {
            b.append(",\"user_agent\":\"");
            Escapes.append(b, e.userAgent, true);
            b.append('"');
        }
        return b.append(",\"aborted\":").append(e.aborted).append('}').toString();
    }
}
