package io.shockwave.http2.internal;

import io.shockwave.runtime.Request;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The actor that owns one HTTP/2 connection (RFC 9113): on its virtual thread it reads,
 * hands every whole frame to its {@link FrameReader}, starts the {@link Http2Stream}s of
 * the requests a read completed all together, and lets the {@link FrameWriter} write what
 * they answered in one batch. It also owns the connection's life: the preface (or the h2c
 * upgrade), idle waits that give the thread back, GOAWAY on a graceful close or an error,
 * and the bookkeeping of its streams (how many are open, which objects are free again).
 *
 * <p>A connection error (thrown by the frame reader) sends GOAWAY and ends the connection
 * after its last frames; floods end it with ENHANCE_YOUR_CALM.
 */
public final class Http2Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Connection.class);
    static final int MAX_CONCURRENT_STREAMS = 128;
    /** Reads in a row that found input waiting, before the connection gives way to others. */
    private static final int TURN = 16;
    /** The connection-level receive window, replenished as DATA arrives. */
    static final int CONNECTION_WINDOW = 1024 * 1024;

    final ConnectionChannel channel;
    final ServerContext context;
    final FrameWriter writer;
    final long bodyTimeoutNanos;
    /** The receive window of each stream (SETTINGS_INITIAL_WINDOW_SIZE as sent). */
    final int streamWindow = Frames.DEFAULT_WINDOW;
    private final int idleTimeoutMillis;
    private final int headTimeoutMillis;
    private final int lingerMillis;
    private final int writeTimeoutMillis;
    final StreamMap streams = new StreamMap();
    private final StreamWorkers workers = new StreamWorkers(MAX_CONCURRENT_STREAMS);
    private final Runnable resumer = this::resume;
    private final FrameReader frames;

    private byte[] in;
    private int pos;
    private int limit;
    /** The highest stream id the client has used (§5.1.1), and the highest this side took on (§6.8). */
    int lastStreamId;
    volatile int lastProcessedId;
    final RecentlyClosed recentlyClosed = new RecentlyClosed(MAX_CONCURRENT_STREAMS);
    int running;
    /** The client's SETTINGS_INITIAL_WINDOW_SIZE: each new stream's send window. */
    int peerInitialWindow = Frames.DEFAULT_WINDOW;
    private volatile boolean prefaceRead;
    /** Between beginIdle and the bytes (or close) that end the wait, across a suspension. */
    private boolean waitingIdle;
    /** Reads that found input without waiting since the connection last waited: bounded by {@link #TURN}. */
    private int readsWithoutWaiting;
    /** GOAWAY sent: no new streams; read by the writer under its lock. */
    volatile boolean goingAway;

    /** The streams a read completed, started together at the end of it. */
    Http2Stream[] toStart = new Http2Stream[4];
    int toStartCount;
    /** Streams the writer has closed, for the reader to forget; guarded by the writer's lock. */
    private List<Http2Stream> closed = new ArrayList<>();
    private List<Http2Stream> closedSpare = new ArrayList<>();
    /**
     * Streams open (counted against SETTINGS_MAX_CONCURRENT_STREAMS) and handlers still
     * running (which may outlive their stream); both guarded by the writer's lock.
     */
    int open;

    public Http2Connection(ConnectionChannel channel, ServerContext context) {
        this.channel = channel;
        this.context = context;
        Limits limits = context.limits();
        this.writer = new FrameWriter(channel, this, context.serverHeader(), context.timeouts().write().toNanos());
        this.bodyTimeoutNanos = context.timeouts().bodyRead().toNanos();
        this.idleTimeoutMillis = (int) context.timeouts().idle().toMillis();
        this.headTimeoutMillis = (int) context.timeouts().requestHead().toMillis();
        this.lingerMillis = (int) context.timeouts().linger().toMillis();
        this.writeTimeoutMillis = (int) context.timeouts().write().toMillis();
        this.frames = new FrameReader(this, limits);
        channel.onCloseRequest(this::closeRequested);
    }

    /**
     * A graceful close was asked for (stop, eviction) while the reader waits in a read:
     * GOAWAY goes out now, from the asking thread; the reader sees it when it next runs.
     */
    private void closeRequested() {
        synchronized (writer) {
            if (goingAway || !prefaceRead) {
                return;
            }
            goingAway = true;
            writer.goAway(lastProcessedId, Frames.NO_ERROR, null);
            if (open == 0) {
                writer.shutdownWhenDone = true;
            }
        }
        // Not on the asking thread: stop() asks every connection in turn, and a client that
        // does not read would hold it in this write until the write timeout.
        Thread.ofVirtual().name("shockwave-h2-goaway").start(writer::flush);
    }

    /** Serves the connection until it ends or suspends, idle, to be resumed on a new thread. */
    public void serve() {
        run(null, null);
    }

    /**
     * Serves a connection that an HTTP/1.1 request switched to h2c (RFC 7540 §3.2): the
     * server's SETTINGS go first, the client's {@code HTTP2-Settings} count as its first
     * SETTINGS (acknowledged implicitly), and the request is stream 1, half-closed, which
     * is answered while the client's preface is still on its way.
     */
    public void serveUpgrade(Request upgrading, byte[] settings) {
        run(upgrading, settings);
    }

    private void resume() {
        run(null, null);
    }

    private void run(Request upgrading, byte[] upgradeSettings) {
        boolean suspended = false;
        try {
            if (!prefaceRead) {
                sendSettings();
                if (upgrading != null && !startUpgraded(upgrading, upgradeSettings)) {
                    return;
                }
                if (!readPreface()) {
                    return;
                }
            }
            suspended = loop();
        } catch (IOException e) {
            LOG.debug("HTTP/2 connection from {} ended: {}", channel.remoteAddress(), e.toString());
        } catch (RuntimeException e) {
            context.stats().error();
            LOG.warn("HTTP/2 connection from {} failed", channel.remoteAddress(), e);
        } finally {
            if (!suspended) {
                // A graceful close asked from another thread writes its GOAWAY there
                // (closeRequested): closing the socket under that write would lose it.
                writer.awaitOtherWriter(lingerMillis * 1_000_000L);
                channel.close();
                writer.closed();
                abandonAll();
                workers.retire();
            }
        }
    }

    /** The upgrading request as stream 1, started at once; false if its settings end the connection. */
    private boolean startUpgraded(Request upgrading, byte[] settings) {
        try {
            frames.applySettings(settings, 0, settings.length);
        } catch (Http2Exception e) {
            in = newInputBuffer();
            connectionError(e);
            return false;
        }
        Http2Stream s = streamFor(1);
        UpgradedRequest.copy(upgrading, s.request);
        lastStreamId = 1;
        lastProcessedId = 1;
        streams.put(1, s);
        synchronized (writer) {
            open++;
            running++;
        }
        s.remoteClosed = true;
        s.endOfRequest();
        workers.start(s);
        return true;
    }

    private void sendSettings() {
        writer.settings(new int[] {
                Frames.SETTINGS_MAX_CONCURRENT_STREAMS, MAX_CONCURRENT_STREAMS,
                Frames.SETTINGS_ENABLE_PUSH, 0,
                Frames.SETTINGS_INITIAL_WINDOW_SIZE, streamWindow,
                Frames.SETTINGS_MAX_HEADER_LIST_SIZE, context.limits().maxHeaderBytes(),
                Frames.SETTINGS_NO_RFC7540_PRIORITIES, 1,
        });
        writer.windowUpdate(0, CONNECTION_WINDOW - Frames.DEFAULT_WINDOW);
    }

    /** RFC 9113 §3.4: the client's preface. This side's SETTINGS are sent by then. */
    private boolean readPreface() throws IOException {
        in = newInputBuffer();
        channel.readTimeout(headTimeoutMillis);
        try {
            while (limit < Frames.PREFACE.length) {
                int n = channel.read(in, limit, in.length - limit);
                if (n < 0) {
                    return false;
                }
                limit += n;
                context.stats().bytesIn(n);
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("No HTTP/2 preface from {} within the head timeout", channel.remoteAddress());
            return false;
        }
        if (!Arrays.equals(in, 0, Frames.PREFACE.length, Frames.PREFACE, 0, Frames.PREFACE.length)) {
            LOG.debug("Invalid HTTP/2 preface from {}", channel.remoteAddress());
            return false;
        }
        pos = Frames.PREFACE.length;
        prefaceRead = true;
        return true;
    }

    /** Reads and handles frames; returns true if the connection suspended. */
    private boolean loop() throws IOException {
        while (true) {
            writer.readerBatch = true;
            forgetClosedStreams();
            try {
                handleBufferedFrames();
            } catch (Http2Exception e) {
                connectionError(e);
                return false;
            }
            startStreams();
            writer.readerBatch = false;
            writer.flush();
            int next = read();
            if (next == SUSPENDED) {
                return true;
            }
            if (next == END) {
                return false;
            }
        }
    }

    private static final int MORE = 0;
    private static final int END = 1;
    private static final int SUSPENDED = 2;

    /**
     * Reads more bytes. With no stream open the connection is idle: it waits without its
     * input buffer, may give its thread back, times out after the idle timeout, and a
     * graceful close finds it here. With streams open it waits as long as they take, looking
     * every write timeout for streams whose client gives them no credit.
     */
    private int read() throws IOException {
        if (in == null) {
            in = newInputBuffer();
        }
        if (pos == limit) {
            pos = 0;
            limit = 0;
        } else if (pos > 0 && in.length - limit < Frames.HEADER_LENGTH + Frames.DEFAULT_MAX_FRAME_SIZE) {
            System.arraycopy(in, pos, in, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (goingAway) {
            return readWhileGoingAway();
        }
        if (++readsWithoutWaiting >= TURN) {
            giveWay();
        }
        if (!channel.canSuspend()) {
            return readBlocking();
        }
        while (true) {
            int n;
            try {
                n = channel.readAvailable(in, limit, in.length - limit);
            } catch (SocketTimeoutException e) {
                if (openStreams() == 0) {
                    goAway(Frames.NO_ERROR, "idle");
                    return END;
                }
                resetStalledStreams();
                n = 0; // waited a write timeout with streams open: wait on, afresh
                if (!endIdleWait()) {
                    return goingAwayNow();
                }
            }
            if (n > 0) {
                limit += n;
                context.stats().bytesIn(n);
                return endIdleWait() ? MORE : goingAwayNow();
            }
            if (n < 0) {
                return END;
            }
            if (!waitingIdle) {
                channel.readTimeout(openStreams() == 0 ? idleTimeoutMillis : writeTimeoutMillis);
                if (!channel.beginIdle()) {
                    return goingAwayNow();
                }
                waitingIdle = true;
            }
            readsWithoutWaiting = 0; // it waits: the others get their turn meanwhile
            ConnectionChannel.IdleWake wake = channel.awaitReadable();
            if (wake == ConnectionChannel.IdleWake.CLOSE) {
                return channel.isOpen() ? goingAwayNow() : END;
            }
            if (wake == ConnectionChannel.IdleWake.SUSPEND) {
                // Streams still open run on their own threads and write through the writer;
                // the reader needs none while the client is silent.
                if (pos == limit) {
                    in = null; // an idle connection holds no input buffer
                    limit = 0;
                    pos = 0;
                }
                // An idle connection holds its state (settings, HPACK tables, windows), not its
                // buffers nor the objects of streams it served.
                forgetClosedStreams();
                workers.retire();
                writer.releaseIdleBuffers();
                frames.releaseIdleBuffers();
                synchronized (writer) {
                    spare.clear();
                }
                recentlyClosed.forget();
                channel.suspend(resumer);
                return SUSPENDED;
            }
        }
    }

    /**
     * Lets the other connections, new ones and the poller have a carrier: a client whose
     * frames never run dry must not keep them from running (HTTP/1.1 gives way after 16
     * pipelined requests, likewise). What this read's frames answered has been written.
     * Not {@link Thread#yield}, which on a busy carrier would only swap this connection
     * with another that never waits; a timed park is ended from outside, by the JDK's timer
     * thread, so the connection queues behind the work submitted from outside.
     */
    private void giveWay() {
        readsWithoutWaiting = 0;
        if (Thread.currentThread().isVirtual()) {
            java.util.concurrent.locks.LockSupport.parkNanos(1);
        }
    }

    /** Ends the idle wait, if one is in progress; false if a graceful close was asked for meanwhile. */
    private boolean endIdleWait() {
        if (!waitingIdle) {
            return true;
        }
        waitingIdle = false;
        return channel.beginExchange();
    }

    private int goingAwayNow() {
        waitingIdle = false;
        startGoingAway();
        return MORE;
    }

    /**
     * Where the transport cannot wait without reading (JDK sockets): a blocking read. Idle,
     * a graceful close shuts the input and the read ends; with streams open it does not,
     * so the read wakes every tick to look for one.
     */
    private int readBlocking() throws IOException {
        if (openStreams() == 0) {
            channel.readTimeout(idleTimeoutMillis);
            if (!channel.beginIdle()) {
                return goingAwayNow();
            }
            waitingIdle = true;
            int next;
            try {
                next = fill();
            } catch (SocketTimeoutException e) {
                goAway(Frames.NO_ERROR, "idle");
                return END;
            }
            if (next == END && channel.isClosing()) {
                goAway(Frames.NO_ERROR, null); // woken to close: nothing is in flight
                return END;
            }
            return endIdleWait() ? next : goingAwayNow();
        }
        // A read timeout would shut this transport's input for good: with streams open the
        // read waits as long as the client is silent. A graceful close asked for meanwhile
        // is seen after the next read, or by the writer when the last stream ends.
        channel.readTimeout(0);
        int next = fill();
        if (channel.isClosing() && !goingAway) {
            goingAwayNow();
        }
        return next;
    }

    /** Room for a frame of SETTINGS_MAX_FRAME_SIZE and its header, and some of the next. */
    private static byte[] newInputBuffer() {
        return new byte[Frames.HEADER_LENGTH + Frames.DEFAULT_MAX_FRAME_SIZE + 1024];
    }

    private int fill() throws IOException {
        if (in == null) {
            in = newInputBuffer();
        }
        int n = channel.read(in, limit, in.length - limit);
        if (n < 0) {
            return END;
        }
        limit += n;
        context.stats().bytesIn(n);
        return MORE;
    }

    /**
     * After GOAWAY the open streams finish: the reader goes on reading (their bodies, the
     * client's window updates) until the writer has ended the last of them and shut the
     * output, and the client closes in turn, or the linger time passes.
     */
    private int readWhileGoingAway() throws IOException {
        boolean done = openStreams() == 0;
        // Where a read timeout would shut the input for good (JDK sockets), none while streams finish.
        channel.readTimeout(done ? lingerMillis : channel.canSuspend() ? writeTimeoutMillis : 0);
        try {
            return fill();
        } catch (SocketTimeoutException e) {
            if (done) {
                return END;
            }
            resetStalledStreams();
            return MORE;
        }
    }

    /** Resets the streams whose client has given them no credit (or taken no bytes) for the write timeout. */
    private void resetStalledStreams() {
        long now = System.nanoTime();
        streams.forEach(s -> writer.resetIfStalled(s, now));
    }

    /** A graceful close was asked for (stop, eviction): GOAWAY, and no new streams. */
    private void startGoingAway() {
        if (!goingAway) {
            goAway(Frames.NO_ERROR, null);
        }
    }

    void goAway(int code, String debug) {
        goingAway = true;
        writer.goAway(lastProcessedId, code, debug);
        synchronized (writer) {
            if (open == 0) {
                writer.shutdownWhenDone = true;
            }
        }
        writer.flush();
    }

    /**
     * §5.4.1: GOAWAY with the error, then the FIN once the writer has written it (and
     * nothing after), the open streams abandoned, and what the client still sends read and
     * dropped for a while, so that no reset destroys the GOAWAY before the client reads it.
     */
    private void connectionError(Http2Exception e) {
        LOG.debug("HTTP/2 connection error from {}: {}", channel.remoteAddress(), e.toString());
        context.stats().error();
        writer.readerBatch = false;
        goingAway = true;
        writer.goAway(lastProcessedId, e.code(), e.getMessage());
        abandonAll();
        synchronized (writer) {
            writer.shutdownWhenDone = true;
        }
        writer.flush();
        channel.readTimeout(lingerMillis);
        try {
            while (channel.read(in, 0, in.length) >= 0) {
                // dropped: nothing more is served on this connection
            }
        } catch (IOException ignored) {
            // lingered long enough, or the client reset
        }
    }

    // ---- frames ----------------------------------------------------------------------

    /** Handles every whole frame the buffer holds (§4.1); a partial one waits for more bytes. */
    private void handleBufferedFrames() throws Http2Exception {
        while (limit - pos >= Frames.HEADER_LENGTH) {
            int length = (in[pos] & 0xFF) << 16 | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF);
            if (length > Frames.DEFAULT_MAX_FRAME_SIZE) {
                throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "frame larger than SETTINGS_MAX_FRAME_SIZE");
            }
            if (limit - pos < Frames.HEADER_LENGTH + length) {
                return;
            }
            int type = in[pos + 3] & 0xFF;
            int flags = in[pos + 4] & 0xFF;
            int streamId = Frames.getInt(in, pos + 5) & 0x7FFF_FFFF; // §4.1: the reserved bit is ignored
            int payload = pos + Frames.HEADER_LENGTH;
            pos = payload + length;
            frames.handle(in, type, flags, streamId, payload, length);
        }
    }

    // ---- streams -----------------------------------------------------------------------

    /** Starts the handlers of the requests this read completed, all together. */
    private void startStreams() {
        if (toStartCount == 0) {
            return;
        }
        for (int i = 0; i < toStartCount; i++) {
            Http2Stream s = toStart[i];
            toStart[i] = null;
            if (writer.isReset(s)) {
                writer.handlerDone(s); // reset in the same read that opened it: no handler to run
                continue;
            }
            try {
                workers.start(s);
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.warn("Cannot start a stream thread", e);
                writer.reset(s, Frames.REFUSED_STREAM);
            }
        }
        toStartCount = 0;
        // Let the handlers just handed out run before the batch is written: they are queued
        // on this carrier ahead of this thread (see StreamWorkers), so unless they block,
        // they answer now, and their responses leave in one write.
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
        }
    }

    /** From the writer, under its lock: the stream has sent its last frame (END_STREAM or RST_STREAM). */
    void streamClosed(Http2Stream s) {
        closed.add(s);
        slotFreed();
    }

    /** Under the writer's lock: one stream fewer open; the last after GOAWAY lets the connection end. */
    void slotFreed() {
        open--;
        if (open == 0) {
            if (!goingAway && channel.isClosing()) {
                // A graceful close the reader has not seen (it waits in a read): say GOAWAY here.
                goingAway = true;
                writer.goAway(lastProcessedId, Frames.NO_ERROR, null);
            }
            if (goingAway) {
                writer.shutdownWhenDone = true;
            }
        }
    }

    /** From the writer, under its lock: a stream's handler has returned. */
    void handlerEnded(Http2Stream s) {
        running--;
        if (s.forgotten) {
            spare.push(s);
        }
    }

    /** Stream objects done with, for the next streams; guarded by the writer's lock. */
    private final java.util.ArrayDeque<Http2Stream> spare = new java.util.ArrayDeque<>();

    /** A stream object for stream {@code id}: one done with, or a new one. */
    Http2Stream streamFor(int id) {
        Http2Stream s;
        synchronized (writer) {
            s = spare.poll();
        }
        if (s == null) {
            s = new Http2Stream(this);
        }
        s.open(id, streamWindow, peerInitialWindow);
        return s;
    }

    int openStreams() {
        synchronized (writer) {
            return open;
        }
    }

    private void forgetClosedStreams() {
        List<Http2Stream> done;
        synchronized (writer) {
            if (closed.isEmpty()) {
                return;
            }
            done = closed;
            closed = closedSpare;
        }
        for (Http2Stream s : done) {
            streams.remove(s.id);
            recentlyClosed.remember(s.id, s.serverReset);
        }
        synchronized (writer) {
            for (Http2Stream s : done) {
                s.forgotten = true;
                if (s.handlerDone) {
                    spare.push(s);
                }
            }
        }
        done.clear();
        closedSpare = done;
    }

    /** The connection is gone: every stream's body fails and its writer's waits end. */
    private void abandonAll() {
        forgetClosedStreams();
        streams.forEach(s -> {
            s.abandoned(true);
            writer.abandon(s);
        });
    }
}
