package io.shockwave.http3.internal;

import io.shockwave.runtime.spi.ServerConnection;
import io.shockwave.runtime.spi.ServerContext;
import io.shockwave.transport.quic.KwikStopReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.ConnectionListener;
import tech.kwik.core.ConnectionTerminatedEvent;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.server.ApplicationProtocolConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/3 connection (RFC 9114) on a QUIC connection that Kwik owns. It opens the
 * server's control stream with its SETTINGS, reads the client's control stream and drains
 * its QPACK streams (the dynamic table has capacity 0 here, so they carry nothing that
 * matters), and runs each request stream as an {@link Http3Stream} on a virtual thread.
 *
 * <p>It takes part in the server's connection life-cycle: a graceful close sends GOAWAY
 * with the first request stream id it will not serve, lets the streams below it finish,
 * then closes with H3_NO_ERROR.
 */
public final class Http3Connection implements ApplicationProtocolConnection, ServerConnection, ConnectionListener {
    private static final Logger LOG = LoggerFactory.getLogger(Http3Connection.class);

    final QuicConnection quic;
    final ServerContext context;
    /** The server's QUIC connections open, for {@link io.shockwave.runtime.Limits#maxQuicConnections}. */
    private final AtomicInteger quicOpen;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    /** The server's control stream, once open; guarded by this. */
    private OutputStream control;
    private boolean peerControlSeen;
    private boolean peerEncoderSeen;
    private boolean peerDecoderSeen;
    /** Request streams being served; guarded by this. */
    private int active;
    /** The highest client request stream id taken on, or -4 before the first; guarded by this. */
    private long lastStreamId = -4;
    /** Once GOAWAY is sent: the first stream id not served. Guarded by this. */
    private long goAwayId = -1;
    /** Request streams taken on over the connection's life; guarded by this. */
    private long requestStreams;
    /** Frames and streams ignored so far (see {@link #ignore}); guarded by this. */
    private long ignored;
    private final long openedAt = System.nanoTime();
    private volatile long idleSince = System.nanoTime();
    /** The request streams being served, for the watchdog's look at their writes. */
    private final java.util.Set<Http3Stream> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final long writeTimeoutNanos;
    final long bodyTimeoutNanos;
    final long headTimeoutNanos;
    private final long lingerNanos;
    private volatile boolean closed;

    private Http3Connection(QuicConnection quic, ServerContext context, AtomicInteger quicOpen, InetSocketAddress local) {
        this.quic = quic;
        this.local = local;
        this.context = context;
        this.quicOpen = quicOpen;
        this.remote = quic instanceof tech.kwik.core.server.ServerConnection s ? s.getInitialRemoteAddress() : null;
        this.writeTimeoutNanos = context.timeouts().write().toNanos();
        this.bodyTimeoutNanos = context.timeouts().bodyRead().toNanos();
        this.headTimeoutNanos = context.timeouts().requestHead().toNanos();
        this.lingerNanos = context.timeouts().linger().toNanos();
    }

    /**
     * Starts serving {@code quic}: registers with the server and sends SETTINGS. At the
     * connection limit (shared with TCP) the longest-idle connection is closed to make room,
     * or, when every one is busy, this one is closed at once with H3_EXCESSIVE_LOAD; the
     * same beyond the QUIC connections' own limit.
     */
    public static Http3Connection open(QuicConnection quic, ServerContext context, AtomicInteger quicOpen,
                                       InetSocketAddress local) {
        Http3Connection c = new Http3Connection(quic, context, quicOpen, local);
        long open = context.stats().connectionOpened();
        int quicCount = quicOpen.incrementAndGet();
        boolean overQuic = quicCount > context.limits().maxQuicConnections();
        if (overQuic || (open > context.limits().maxConnections() && !context.evictIdleConnection())) {
            context.stats().connectionRejected();
            context.stats().connectionClosed();
            quicOpen.decrementAndGet();
            LOG.debug("HTTP/3 connection from {} refused: {} connections open, {} of them QUIC", c.remote, open - 1,
                    quicCount - 1);
            c.closed = true;
            c.ended.set(true);
            quic.close(Frames.H3_EXCESSIVE_LOAD, "too many connections");
            return c;
        }
        quic.setConnectionListener(c);
        context.register(c);
        // Not on Kwik's thread that calls this: opening a stream waits for the client's credit
        // for unidirectional streams, which a hostile client never gives.
        Thread.ofVirtual().name("shockwave-h3-control").start(c::start);
        return c;
    }

    /**
     * Opens the server's control stream. Kwik starts the application protocol before the
     * handshake completes when a client resumes with 0-RTT early data (it accepts early data
     * whatever the ticket said); streams cannot be opened then, so this waits for the
     * handshake, and the requests that came before it are early data (see {@link #isEarly}).
     */
    private void start() {
        try {
            try {
                openControlStream();
            } catch (IOException notYet) {
                startedEarly = true;
                if (!connectedLatch.await(headTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    throw new IOException("the handshake did not complete after early data");
                }
                openControlStream();
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            LOG.debug("HTTP/3 connection from {} ended at its start: {}", remote, e.toString());
            close();
        } finally {
            establishedLatch.countDown();
        }
    }

    /** Kwik: the handshake is complete (reported only when the protocol started before it). */
    @Override
    public void connected(tech.kwik.core.ConnectionEstablishedEvent event) {
        connectedLatch.countDown();
    }

    private final java.util.concurrent.CountDownLatch connectedLatch = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch establishedLatch = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean startedEarly;

    /**
     * Whether a request on a stream that arrived before the handshake completed (as far as
     * this connection could tell then) came as 0-RTT early data: it waits until the
     * connection has started, and is early if the protocol started early. Early data can be
     * replayed: RFC 8470.
     */
    boolean isEarly(boolean acceptedBeforeHandshake) throws InterruptedException {
        establishedLatch.await(headTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        return startedEarly && acceptedBeforeHandshake;
    }

    /** Whether the handshake is still to complete (only possible when the protocol started early). */
    boolean beforeHandshake() {
        return connectedLatch.getCount() > 0 && establishedLatch.getCount() > 0;
    }

    private void openControlStream() throws IOException {
        QuicStream stream = quic.createStream(false);
        byte[] b = new byte[32];
        int at = Frames.putVarint(b, 0, Frames.CONTROL_STREAM);
        int settingsStart = at + 2; // type and a one-byte length, filled in below
        int p = settingsStart;
        p = Frames.putVarint(b, p, Frames.SETTINGS_MAX_FIELD_SECTION_SIZE);
        p = Frames.putVarint(b, p, context.limits().maxHeaderBytes());
        // QPACK_MAX_TABLE_CAPACITY and QPACK_BLOCKED_STREAMS stay at their default, 0: no dynamic table.
        b[at] = Frames.SETTINGS;
        b[at + 1] = (byte) (p - settingsStart);
        synchronized (this) {
            control = stream.getOutputStream();
            control.write(b, 0, p);
            control.flush();
        }
    }

    @Override
    public void acceptPeerInitiatedStream(QuicStream stream) {
        if (stream.isUnidirectional()) {
            Thread.ofVirtual().name("shockwave-h3-uni").start(() -> readUnidirectional(stream));
            return;
        }
        long id = stream.getStreamId();
        synchronized (this) {
            if (goAwayId >= 0 && id >= goAwayId) {
                stream.resetStream(Frames.H3_REQUEST_REJECTED);
                KwikStopReading.stopAndSettle(stream, Frames.H3_REQUEST_REJECTED);
                return;
            }
            active++;
            requestStreams++;
            lastStreamId = Math.max(lastStreamId, id);
            idleSince = 0;
        }
        Http3Stream s = new Http3Stream(this, stream);
        streams.add(s);
        try {
            Thread.ofVirtual().name("shockwave-h3-stream").start(s);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("Cannot start an HTTP/3 stream thread", e);
            stream.resetStream(Frames.H3_REQUEST_REJECTED);
            streamEnded(s);
        }
    }

    /**
     * A request stream's exchange is over. After GOAWAY, the last one lets the connection
     * close, though not at once: a CONNECTION_CLOSE now would drop response bytes Kwik has
     * not sent (or must send again). The watchdog closes it once Kwik has framed every
     * response and the linger time has passed, unless the client closes first.
     */
    void streamEnded(Http3Stream s) {
        if (!s.outputPending()) {
            streams.remove(s); // else the watchdog keeps an eye on it until Kwik has sent it all
        }
        synchronized (this) {
            active--;
            if (active == 0) {
                idleSince = System.nanoTime();
            }
        }
    }

    /** Frames or streams a client may have ignored before it has opened any request stream. */
    static final int IGNORED_ALLOWANCE = 64;
    /** And for each request stream it opens: GREASE, PRIORITY_UPDATE and the like come per request. */
    static final int IGNORED_PER_REQUEST = 4;
    /** And one per second the connection has been open, for PRIORITY_UPDATEs of long responses. */
    private static final long NANOS_PER_IGNORED = 1_000_000_000L;

    /**
     * Counts a frame, a stream or a read of QPACK instructions that is read and dropped:
     * unknown types (RFC 9114 §9, §6.2.3) and what this server has no use for. Clients send
     * some (GREASE, PRIORITY_UPDATE), about one per request or now and then over a long
     * response; a client that sends far more is flooding (§10.5), and the connection ends with
     * H3_EXCESSIVE_LOAD instead of spending a thread's time on it forever.
     */
    void ignore(String what) throws Http3Exception {
        long age = (System.nanoTime() - openedAt) / NANOS_PER_IGNORED;
        synchronized (this) {
            if (++ignored <= IGNORED_ALLOWANCE + IGNORED_PER_REQUEST * requestStreams + age) {
                return;
            }
        }
        throw new Http3Exception(Frames.H3_EXCESSIVE_LOAD, "too many ignored frames and streams, the last " + what);
    }

    /** The client's unidirectional streams: one control stream, the QPACK streams, and others ignored. */
    private void readUnidirectional(QuicStream stream) {
        FrameInput in = new FrameInput(stream.getInputStream(), 256);
        boolean critical = false;
        try {
            long type = in.varintOrEnd();
            if (type < 0) {
                return;
            }
            if (type == Frames.CONTROL_STREAM || type == Frames.QPACK_ENCODER_STREAM || type == Frames.QPACK_DECODER_STREAM) {
                synchronized (this) {
                    boolean second = type == Frames.CONTROL_STREAM ? peerControlSeen
                            : type == Frames.QPACK_ENCODER_STREAM ? peerEncoderSeen : peerDecoderSeen;
                    if (second) {
                        throw new Http3Exception(Frames.H3_STREAM_CREATION_ERROR, "a second critical stream of type " + type);
                    }
                    if (type == Frames.CONTROL_STREAM) {
                        peerControlSeen = true;
                    } else if (type == Frames.QPACK_ENCODER_STREAM) {
                        peerEncoderSeen = true;
                    } else {
                        peerDecoderSeen = true;
                    }
                }
                critical = true;
                if (type == Frames.CONTROL_STREAM) {
                    readControl(in);
                } else {
                    drainQpack(in, type);
                }
                if (!closed) {
                    throw new Http3Exception(Frames.H3_CLOSED_CRITICAL_STREAM, "the client closed a critical stream");
                }
            } else if (type == Frames.PUSH_STREAM) {
                throw new Http3Exception(Frames.H3_STREAM_CREATION_ERROR, "a client may not open a push stream");
            } else {
                // §6.2.3: unknown stream types are reserved for extensions; not read.
                KwikStopReading.stopAndSettle(stream, Frames.H3_STREAM_CREATION_ERROR);
                ignore("a stream of type " + type);
            }
        } catch (Http3Exception e) {
            connectionError(e);
        } catch (IOException e) {
            if (critical && !closed) {
                // §6.2.1: a critical stream that ends or is reset ends the connection.
                connectionError(new Http3Exception(Frames.H3_CLOSED_CRITICAL_STREAM, "a critical stream failed: " + e));
            } else if (!closed) {
                LOG.debug("HTTP/3 stream from {} failed: {}", remote, e.toString());
            }
        }
    }

    /** The client's control stream (§6.2.1): SETTINGS first, then GOAWAY and frames this server does not use. */
    private void readControl(FrameInput in) throws IOException, Http3Exception {
        boolean first = true;
        while (true) {
            long type = in.varintOrEnd();
            if (type < 0) {
                return;
            }
            long length = in.varint();
            if (first && type != Frames.SETTINGS) {
                throw new Http3Exception(Frames.H3_MISSING_SETTINGS, "the control stream did not start with SETTINGS");
            }
            if (type == Frames.SETTINGS) {
                if (!first) {
                    throw new Http3Exception(Frames.H3_FRAME_UNEXPECTED, "a second SETTINGS frame");
                }
                readSettings(in, length);
            } else if (type == Frames.DATA || type == Frames.HEADERS || type == Frames.PUSH_PROMISE
                    || Frames.isReservedHttp2Type(type)) {
                throw new Http3Exception(Frames.H3_FRAME_UNEXPECTED, "frame type " + type + " on the control stream");
            } else {
                // GOAWAY from a client concerns pushes, which this server never makes; CANCEL_PUSH,
                // MAX_PUSH_ID and unknown frames likewise need nothing.
                if (type == Frames.GOAWAY) {
                    context.stats().goAwayReceived(3);
                }
                if (length > 1024) {
                    throw new Http3Exception(Frames.H3_EXCESSIVE_LOAD, "a control frame of " + length + " bytes");
                }
                ignore("a control frame of type " + type);
                in.skip(length);
            }
            first = false;
        }
    }

    private static void readSettings(FrameInput in, long length) throws IOException, Http3Exception {
        if (length > 1024) {
            throw new Http3Exception(Frames.H3_EXCESSIVE_LOAD, "SETTINGS of " + length + " bytes");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload, 0, payload.length);
        FrameInput p = new FrameInput(new java.io.ByteArrayInputStream(payload), 64);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (true) {
            long id;
            long value;
            try {
                id = p.varintOrEnd();
                if (id < 0) {
                    return;
                }
                value = p.varint();
            } catch (java.io.EOFException e) {
                throw new Http3Exception(Frames.H3_FRAME_ERROR, "SETTINGS ends inside a setting");
            }
            if (!seen.add(id)) {
                throw new Http3Exception(Frames.H3_SETTINGS_ERROR, "setting " + id + " twice");
            }
            if (id >= 0x2 && id <= 0x5) {
                throw new Http3Exception(Frames.H3_SETTINGS_ERROR, "HTTP/2 setting " + id);
            }
            // The client's table capacity, field section size and blocked streams bound what this
            // side may send: it uses no dynamic table, and its response headers are small.
        }
    }

    private void drainQpack(FrameInput in, long type) throws IOException, Http3Exception {
        byte[] scratch = new byte[256];
        while (in.read(scratch, 0, scratch.length) >= 0) {
            // With a table capacity of 0 the client's encoder has nothing to insert; what it sends
            // (at most a Set Dynamic Table Capacity of 0, or decoder instructions) needs no answer,
            // and there is little of it: each read counts as something ignored.
            ignore("QPACK stream bytes");
        }
    }

    /** §8: a connection error closes the QUIC connection with its code. */
    void connectionError(Http3Exception e) {
        LOG.debug("HTTP/3 connection error from {}: {}", remote, e.getMessage());
        context.stats().error();
        closeNow(e.code(), e.getMessage());
    }

    private void closeNow(long code, String reason) {
        if (closing.compareAndSet(false, true)) {
            closed = true;
            quic.close(code, reason);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    // ---- the server's connection life-cycle ---------------------------------------------

    @Override
    public void closeGracefully() {
        long id;
        boolean idle;
        synchronized (this) {
            if (goAwayId >= 0 || closed) {
                return;
            }
            goAwayId = lastStreamId + 4;
            id = goAwayId;
            idle = active == 0;
        }
        byte[] b = new byte[16];
        int p = Frames.putFrameHeader(b, 0, Frames.GOAWAY, Frames.varintLength(id));
        p = Frames.putVarint(b, p, id);
        try {
            synchronized (this) {
                if (control == null) {
                    throw new IOException("no control stream yet");
                }
                control.write(b, 0, p);
                control.flush();
            }
            context.stats().goAwaySent(3);
        } catch (IOException | RuntimeException e) {
            LOG.debug("GOAWAY to {} not sent: {}", remote, e.toString());
        }
        if (idle && streams.isEmpty()) {
            closeNow(Frames.H3_NO_ERROR, ""); // nothing in flight, nothing left to send
        }
    }

    @Override
    public boolean closeGracefullyIfIdle() {
        synchronized (this) {
            // One already closing does not make room again: eviction must pick another.
            if (active > 0 || goAwayId >= 0 || closed) {
                return false;
            }
        }
        closeGracefully();
        return true;
    }

    @Override
    public void close() {
        closeNow(Frames.H3_NO_ERROR, "server closing");
    }

    @Override
    public long idleSince() {
        synchronized (this) {
            return goAwayId >= 0 || closed ? 0 : idleSince; // closing: not a candidate for eviction
        }
    }

    @Override
    public void checkDeadlines(long now) {
        boolean finished;
        synchronized (this) {
            finished = goAwayId >= 0 && active == 0 && now - idleSince > lingerNanos;
        }
        if (finished && streams.isEmpty()) {
            closeNow(Frames.H3_NO_ERROR, "");
            return;
        }
        // QUIC's idle timeout ends a silent connection; here, responses the client does not take.
        for (Http3Stream s : streams) {
            if (s.isDone()) {
                s.settleStoppedReading(); // a reset that came while the response was still leaving
                if (!s.outputPending() || now - s.doneAt() > writeTimeoutNanos) {
                    streams.remove(s);
                }
            } else {
                s.checkDeadlines(now, writeTimeoutNanos);
            }
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** The UDP socket's address: the listener's, a wildcard when it listens on every address. */
    InetSocketAddress localAddress() {
        return local;
    }

    /** Kwik: the QUIC connection is gone (closed by either side, or timed out). */
    @Override
    public void disconnected(ConnectionTerminatedEvent event) {
        closed = true;
        // Kwik may report the end twice (our close racing the client's or the idle timer's).
        if (ended.compareAndSet(false, true)) {
            context.unregister(this);
            context.stats().connectionClosed();
            quicOpen.decrementAndGet();
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
}
