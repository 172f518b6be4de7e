package io.shockwave.http2.internal;

import io.shockwave.runtime.Headers;
import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.util.concurrent.locks.LockSupport;

/**
 * The one writer of a connection. Streams and the reader hand it work (a stream's
 * published bytes, a control frame) under its lock, which is held only to copy, never
 * across I/O; whichever thread then finds no one writing takes the writer's role, turns
 * the queued work into frames and writes them, one socket write per batch, until none
 * is left. While the reader is working through a read's worth of frames, handlers leave
 * the writing to it, so responses to requests that arrived together leave together.
 *
 * <p>Ready streams wait in one queue per RFC 9218 urgency; each batch takes DATA from the
 * most urgent first (round-robin among incremental ones), as far as the connection's and
 * each stream's send window allow (RFC 9113 §6.9). HPACK's dynamic table makes the order
 * of header blocks matter, so they are encoded here, in the order they are written.
 */
final class FrameWriter {
    /** About how many bytes of DATA one batch takes before it is written. */
    private static final int BATCH = 64 * 1024;
    private static final VarHandle WRITING;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrameWriter.class);

    static {
        try {
            WRITING = MethodHandles.lookup().findVarHandle(FrameWriter.class, "writing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionChannel channel;
    private final Http2Connection connection;
    /** Header blocks, encoded under this lock in the order they are written: HPACK's table depends on it. */
    private final HeaderBlocks blocks;
    private final long writeTimeoutNanos;
    private byte[] pending = new byte[4096];
    private int pendingLength;
    private byte[] sending = new byte[4096];
    private final Http2Stream[] heads = new Http2Stream[Priority.LEVELS];
    private final Http2Stream[] tails = new Http2Stream[Priority.LEVELS];
    private int connectionWindow = Frames.DEFAULT_WINDOW;
    private int maxFrameSize = Frames.DEFAULT_MAX_FRAME_SIZE;
    /** Something was queued since the last batch was taken. */
    private boolean dirty;
    private IOException failure;
    /** 1 while a thread holds the writer's role (taken with a compare-and-set through WRITING). */
    private volatile int writing;
    /** Set while the reader works through a read: it writes what is queued when it is done. */
    volatile boolean readerBatch;
    /** After GOAWAY, once the last stream has ended: shut the output when all is written. */
    boolean shutdownWhenDone;

    FrameWriter(ConnectionChannel channel, Http2Connection connection, byte[] serverHeader, long writeTimeoutNanos) {
        this.channel = channel;
        this.connection = connection;
        this.blocks = new HeaderBlocks(serverHeader, channel.isSecure() ? connection.context.altSvc() : null);
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    // ---- control frames, from the reader (and WINDOW_UPDATE from handlers) ---------

    synchronized void settings(int[] pairs) {
        int at = reserve(Frames.HEADER_LENGTH + pairs.length * 3);
        at = Frames.header(pending, at, pairs.length * 3, Frames.SETTINGS, 0, 0);
        for (int i = 0; i < pairs.length; i += 2) {
            pending[at] = (byte) (pairs[i] >>> 8);
            pending[at + 1] = (byte) pairs[i];
            Frames.putInt(pending, at + 2, pairs[i + 1]);
            at += 6;
        }
        pendingLength = at;
        dirty = true;
    }

    synchronized void settingsAck() {
        int at = reserve(Frames.HEADER_LENGTH);
        pendingLength = Frames.header(pending, at, 0, Frames.SETTINGS, Frames.FLAG_ACK, 0);
        dirty = true;
    }

    synchronized void pingAck(byte[] src, int off) {
        int at = reserve(Frames.HEADER_LENGTH + 8);
        at = Frames.header(pending, at, 8, Frames.PING, Frames.FLAG_ACK, 0);
        System.arraycopy(src, off, pending, at, 8);
        pendingLength = at + 8;
        dirty = true;
    }

    synchronized void goAway(int lastStreamId, int code, String debug) {
        connection.context.stats().goAwaySent(2);
        byte[] text = debug == null ? new byte[0] : debug.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = reserve(Frames.HEADER_LENGTH + 8 + text.length);
        at = Frames.header(pending, at, 8 + text.length, Frames.GOAWAY, 0, 0);
        Frames.putInt(pending, at, lastStreamId);
        Frames.putInt(pending, at + 4, code);
        System.arraycopy(text, 0, pending, at + 8, text.length);
        pendingLength = at + 8 + text.length;
        dirty = true;
    }

    /** RST_STREAM for a stream that has no {@link Http2Stream} (refused, or already closed). */
    synchronized void rstStream(int streamId, int code) {
        appendRst(streamId, code);
        dirty = true;
    }

    /** Credit returned to the client: the connection's ({@code streamId} 0) or a stream's. */
    void windowUpdate(int streamId, int increment) {
        synchronized (this) {
            int at = reserve(Frames.HEADER_LENGTH + 4);
            at = Frames.header(pending, at, 4, Frames.WINDOW_UPDATE, 0, streamId);
            Frames.putInt(pending, at, increment);
            pendingLength = at + 4;
            dirty = true;
        }
        writeSoon();
    }

    private void appendRst(int streamId, int code) {
        connection.context.stats().resetSent(2);
        int at = reserve(Frames.HEADER_LENGTH + 4);
        at = Frames.header(pending, at, 4, Frames.RST_STREAM, 0, streamId);
        Frames.putInt(pending, at, code);
        pendingLength = at + 4;
    }

    private int reserve(int bytes) {
        if (pending.length - pendingLength < bytes) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes));
        }
        return pendingLength;
    }

    /** Bytes queued and not yet taken by a batch: bounded by the flood limits in the reader. */
    synchronized int queuedBytes() {
        return pendingLength;
    }

    // ---- settings and windows, from the reader ---------------------------------------

    synchronized void peerHeaderTableSize(int size) {
        blocks.peerMaxTableSize(size);
    }

    synchronized void peerMaxFrameSize(int size) {
        maxFrameSize = size;
    }

    /** WINDOW_UPDATE on stream 0 (RFC 9113 §6.9.1); false if the window would pass 2^31-1. */
    synchronized boolean connectionCredit(int increment) {
        if (connectionWindow > Frames.MAX_WINDOW - increment) {
            return false;
        }
        connectionWindow += increment;
        dirty = true;
        return true;
    }

    /** WINDOW_UPDATE on a stream; false if its window would pass 2^31-1. */
    synchronized boolean streamCredit(Http2Stream s, int increment) {
        if (s.sendWindow > Frames.MAX_WINDOW - increment) {
            return false;
        }
        s.sendWindow += increment;
        if (!s.endSent && !s.resetSent && (s.outEnd > s.outStart || s.endQueued)) {
            enqueue(s); // never an ended stream: its object may already serve the next one
        }
        return true;
    }

    /** §6.9.2: a new SETTINGS_INITIAL_WINDOW_SIZE moves every stream's window by the difference. */
    synchronized boolean initialWindowChanged(Http2Stream s, int delta) {
        long window = (long) s.sendWindow + delta;
        if (window > Frames.MAX_WINDOW) {
            return false;
        }
        s.sendWindow = (int) window;
        if (s.sendWindow > 0 && !s.endSent && !s.resetSent && (s.outEnd > s.outStart || s.endQueued)) {
            enqueue(s);
        }
        return true;
    }

    synchronized void reprioritize(Http2Stream s, int priority) {
        int urgency = priority >>> 1;
        s.incremental = (priority & 1) != 0;
        if (urgency == s.urgency) {
            return;
        }
        if (s.queued) {
            unlink(s);
            s.urgency = urgency;
            enqueue(s);
        } else {
            s.urgency = urgency;
        }
    }

    // ---- streams, from their handlers ------------------------------------------------

    /** The stream's bytes up to {@code end} are ready, and with {@code last} so is the end of the stream. */
    void publish(Http2Stream s, int end, boolean last) throws IOException {
        synchronized (this) {
            checkOpen(s);
            if (s.outEnd == s.outStart) {
                s.lastProgress = System.nanoTime(); // the stall clock runs from when there was something to send
            }
            s.headersQueued = true;
            s.outEnd = end;
            if (last) {
                s.endQueued = true;
            }
            enqueue(s);
        }
        writeSoon();
    }

    /** Queues {@code 100 Continue} ahead of the response. */
    void interim(Http2Stream s) {
        synchronized (this) {
            if (s.headersQueued || s.resetSent || s.resetCode >= 0) {
                return;
            }
            s.interimQueued = true;
            enqueue(s);
        }
        writeSoon();
    }

    synchronized void replaceBuffer(Http2Stream s, byte[] buf) {
        s.out = buf;
        s.outStart = 0;
        s.outEnd = 0;
    }

    /** Waits until the writer has taken every byte the stream published, then starts its buffer over. */
    void awaitDrained(Http2Stream s) throws IOException {
        long deadline = System.nanoTime() + writeTimeoutNanos;
        while (true) {
            synchronized (this) {
                checkOpen(s);
                if (s.outStart == s.outEnd) {
                    s.outStart = 0;
                    s.outEnd = 0;
                    s.waiter = null;
                    return;
                }
                s.waiter = Thread.currentThread();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // The client gave no credit (or took no bytes) for the write timeout: this stream
                // is reset, the connection and its other streams go on.
                reset(s, Frames.CANCEL);
                throw new IOException("stream " + s.id + " stalled: the client gave no flow-control credit");
            }
            LockSupport.parkNanos(this, left);
        }
    }

    private void checkOpen(Http2Stream s) throws IOException {
        if (failure != null) {
            throw new SocketException("connection failed: " + failure.getMessage());
        }
        if (s.resetSent || s.resetCode >= 0) {
            throw new IOException("stream " + s.id + " was reset");
        }
    }

    /** Resets the stream (RST_STREAM with {@code code}) instead of completing it, unless it has ended. */
    void reset(Http2Stream s, int code) {
        synchronized (this) {
            if (s.endSent || s.resetSent || s.resetCode >= 0) {
                return;
            }
            s.resetCode = code;
            s.outStart = s.outEnd;
            enqueue(s);
        }
        writeSoon();
    }

    /** Whether the stream has been reset, by either side: nothing more of its response can be sent. */
    synchronized boolean isReset(Http2Stream s) {
        return s.resetSent || s.resetCode >= 0;
    }

    /**
     * Resets the stream if it has had bytes to send and sent none for the write timeout:
     * its client gives it no credit. The connection and its other streams go on.
     */
    void resetIfStalled(Http2Stream s, long now) {
        synchronized (this) {
            boolean waiting = !s.endSent && !s.resetSent && s.resetCode < 0
                    && (s.outEnd > s.outStart || (s.endQueued && s.headersSent));
            if (!waiting || now - s.lastProgress < writeTimeoutNanos) {
                return;
            }
            s.resetCode = Frames.CANCEL;
            s.outStart = s.outEnd;
            enqueue(s);
        }
        writeSoon();
    }

    /** The client reset the stream: nothing more is sent on it, not even a reset. */
    void clientReset(Http2Stream s) {
        stopSending(s);
    }

    /** The stream's handler has returned; its response has been published or reset. */
    void handlerDone(Http2Stream s) {
        synchronized (this) {
            s.handlerDone = true;
            connection.handlerEnded(s);
            if (!s.endQueued && !s.endSent && !s.resetSent && s.resetCode < 0) {
                s.resetCode = Frames.INTERNAL_ERROR; // no end was published: never let it look complete
                enqueue(s);
            }
        }
        writeSoon();
    }

    /** Takes the object off the ready queues if it is still on one; under the lock. */
    void unqueue(Http2Stream s) {
        if (s.queued) {
            unlink(s);
        }
    }

    private void enqueue(Http2Stream s) {
        dirty = true;
        if (s.queued) {
            return;
        }
        s.queued = true;
        s.nextReady = null;
        int u = s.urgency;
        if (tails[u] == null) {
            heads[u] = s;
        } else {
            tails[u].nextReady = s;
        }
        tails[u] = s;
    }

    private void unlink(Http2Stream s) {
        int u = s.urgency;
        Http2Stream prev = null;
        for (Http2Stream x = heads[u]; x != null; prev = x, x = x.nextReady) {
            if (x == s) {
                if (prev == null) {
                    heads[u] = s.nextReady;
                } else {
                    prev.nextReady = s.nextReady;
                }
                if (tails[u] == s) {
                    tails[u] = prev;
                }
                break;
            }
        }
        s.nextReady = null;
        s.queued = false;
    }

    // ---- writing ---------------------------------------------------------------------

    /** Writes what is queued now, unless the reader will at the end of its batch. Any thread. */
    private void writeSoon() {
        if (!readerBatch) {
            flush();
        }
    }

    /**
     * Takes the writer's role if no one has it, and writes batches until nothing is left.
     * A thread that finds the role taken leaves: the holder looks again before it lets go.
     */
    void flush() {
        while (WRITING.compareAndSet(this, 0, 1)) {
            try {
                while (true) {
                    int n;
                    boolean shutdown = false;
                    synchronized (this) {
                        dirty = false;
                        if (failure != null) {
                            pendingLength = 0;
                            return;
                        }
                        fill();
                        n = pendingLength;
                        if (n > 0) {
                            byte[] t = sending;
                            sending = pending;
                            pending = t;
                            pendingLength = 0;
                        } else if (shutdownWhenDone) {
                            shutdownWhenDone = false;
                            shutdown = true;
                            // Nothing may follow the FIN: a write after it would fail and reset the connection.
                            failure = new SocketException("connection output shut down");
                        }
                    }
                    if (n == 0) {
                        if (shutdown) {
                            channel.shutdownOutput(); // GOAWAY sent and every stream ended: a FIN
                        }
                        break;
                    }
                    channel.write(sending, 0, n);
                }
            } catch (IOException e) {
                failed(e);
                return;
            } finally {
                writing = 0;
            }
            synchronized (this) {
                if (!dirty) {
                    return;
                }
            }
        }
    }

    /**
     * Waits, at most {@code nanos}, for a write that another thread is making to end: the
     * connection is about to close, and the GOAWAY that write carries must leave first.
     */
    void awaitOtherWriter(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (writing != 0 && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    private void failed(IOException e) {
        synchronized (this) {
            if (failure == null) {
                failure = e;
            }
            pendingLength = 0;
        }
        channel.close(); // the reader sees it, and abandons every stream
    }

    /** The connection is ending: nothing more is sent for the stream, and its handler's writes fail. */
    void abandon(Http2Stream s) {
        stopSending(s);
    }

    /** Nothing more goes out on the stream, not even RST_STREAM; a handler waiting to write is woken to fail. */
    private synchronized void stopSending(Http2Stream s) {
        if (!s.endSent && !s.resetSent) {
            s.resetSent = true;
            s.outStart = s.outEnd;
            if (s.queued) {
                unlink(s);
            }
            finished(s);
        }
        wakeWaiter(s);
    }

    private static final byte[] NONE = new byte[0];

    /**
     * The connection is idle and suspends: its write buffers go, unless a batch is queued
     * or being written. They grow again with the next frames.
     */
    synchronized void releaseIdleBuffers() {
        if (pendingLength == 0 && writing == 0) {
            pending = NONE;
            sending = NONE;
            blocks.releaseIdleBuffer();
        }
    }

    /** The connection is closed: every later write fails. */
    synchronized void closed() {
        if (failure == null) {
            failure = new SocketException("connection closed");
        }
    }

    /** Turns queued work into frames in {@link #pending}, most urgent streams first. Under the lock. */
    private void fill() {
        int budget = BATCH;
        for (int u = 0; u < Priority.LEVELS && budget > 0; u++) {
            boolean progress = true;
            while (progress && heads[u] != null && budget > 0) {
                progress = false;
                Http2Stream s = heads[u];
                heads[u] = null;
                tails[u] = null;
                while (s != null) {
                    Http2Stream next = s.nextReady;
                    s.nextReady = null;
                    s.queued = false;
                    int before = pendingLength;
                    boolean more;
                    try {
                        more = budget > 0 ? emit(s, budget) : true;
                    } catch (RuntimeException e) {
                        // A response that cannot be framed (its headers changed under the writer,
                        // say) may have left HPACK's table half updated: the connection ends.
                        LOG.warn("Cannot frame the response of stream {}; closing the connection", s.id, e);
                        failure = new IOException("cannot frame a response", e);
                        pendingLength = 0;
                        channel.close();
                        return;
                    }
                    if (pendingLength != before) {
                        progress = true;
                        budget -= pendingLength - before;
                    }
                    if (more) {
                        enqueue(s);
                    }
                    s = next;
                }
            }
        }
        dirty = false;
    }

    /**
     * Frames what stream {@code s} can send now, up to about {@code budget} bytes of DATA:
     * a reset, 100 Continue, its header block, DATA, and its end (trailers or END_STREAM).
     * Returns whether it could send more right away.
     */
    private boolean emit(Http2Stream s, int budget) {
        if (s.resetSent || s.endSent) {
            return false;
        }
        if (s.resetCode >= 0) {
            appendRst(s.id, s.resetCode);
            s.resetSent = true;
            s.serverReset = true;
            wakeWaiter(s);
            finished(s);
            return false;
        }
        if (s.interimQueued) {
            s.interimQueued = false;
            if (!s.headersSent) {
                headerFrames(s.id, blocks.interim(100), false);
            }
        }
        if (!s.headersQueued) {
            return false;
        }
        Http2Response response = s.response;
        Headers trailers = response.trailersOrNull();
        int avail = s.outEnd - s.outStart;
        if (!s.headersSent) {
            boolean endNow = s.endQueued && avail == 0 && trailers == null;
            headerFrames(s.id, blocks.response(s.response), endNow);
            s.headersSent = true;
            if (endNow) {
                return ended(s);
            }
        }
        while (avail > 0) {
            int n = Math.min(Math.min(avail, maxFrameSize), Math.min(s.sendWindow, connectionWindow));
            n = Math.min(n, Math.max(budget, 0));
            if (n <= 0) {
                break;
            }
            boolean last = n == avail && s.endQueued && trailers == null;
            int at = reserve(Frames.HEADER_LENGTH + n);
            at = Frames.header(pending, at, n, Frames.DATA, last ? Frames.FLAG_END_STREAM : 0, s.id);
            System.arraycopy(s.out, s.outStart, pending, at, n);
            pendingLength = at + n;
            s.outStart += n;
            s.lastProgress = System.nanoTime();
            avail -= n;
            s.sendWindow -= n;
            connectionWindow -= n;
            budget -= n + Frames.HEADER_LENGTH;
            if (last) {
                return ended(s);
            }
            if (s.incremental) {
                break; // one frame per turn: incremental streams of an urgency share the connection
            }
        }
        if (avail == 0) {
            wakeWaiter(s);
            if (s.endQueued) {
                if (trailers != null) {
                    headerFrames(s.id, blocks.trailers(trailers), true);
                } else {
                    int at = reserve(Frames.HEADER_LENGTH);
                    pendingLength = Frames.header(pending, at, 0, Frames.DATA, Frames.FLAG_END_STREAM, s.id);
                }
                return ended(s);
            }
            return false;
        }
        return s.sendWindow > 0;
    }

    /**
     * END_STREAM has been framed. A client still sending its body is told to stop with
     * RST_STREAM NO_ERROR (RFC 9113 §8.1): the response is complete without it.
     */
    private boolean ended(Http2Stream s) {
        s.endSent = true;
        if (!s.remoteClosed) {
            appendRst(s.id, Frames.NO_ERROR);
            s.resetSent = true;
            s.serverReset = true;
        }
        wakeWaiter(s);
        finished(s);
        return false;
    }

    private void finished(Http2Stream s) {
        if (!s.finished) {
            s.finished = true;
            connection.streamClosed(s);
        }
    }

    private static void wakeWaiter(Http2Stream s) {
        Thread w = s.waiter;
        if (w != null) {
            s.waiter = null;
            LockSupport.unpark(w);
        }
    }

    /** The block {@link #blocks} encoded last, {@code length} bytes, as HEADERS and, past the frame size, CONTINUATION frames. */
    private void headerFrames(int streamId, int length, boolean endStream) {
        int frames = Math.max(1, (length + maxFrameSize - 1) / maxFrameSize);
        int at = reserve(length + frames * Frames.HEADER_LENGTH);
        int done = 0;
        int type = Frames.HEADERS;
        do {
            int n = Math.min(maxFrameSize, length - done);
            boolean lastFrame = done + n == length;
            int flags = (lastFrame ? Frames.FLAG_END_HEADERS : 0)
                    | (type == Frames.HEADERS && endStream ? Frames.FLAG_END_STREAM : 0);
            at = Frames.header(pending, at, n, type, flags, streamId);
            System.arraycopy(blocks.bytes(), done, pending, at, n);
            at += n;
            done += n;
            type = Frames.CONTINUATION;
        } while (done < length);
        pendingLength = at;
    }
}
