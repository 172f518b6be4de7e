package io.shockwave.http2.internal;

import io.shockwave.http2.hpack.HpackDecoder;
import io.shockwave.http2.hpack.HpackException;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
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
 * The actor that owns one HTTP/2 connection (RFC 9113): on its virtual thread it reads
 * frames, keeps the connection's state (settings, the HPACK decoder, the receive windows,
 * the open streams) and starts a {@link Http2Stream} for each request. It decodes every
 * frame a read brought before it starts the new streams together and lets the
 * {@link FrameWriter} write what they answered in one batch.
 *
 * <p>Protocol errors are answered where RFC 9113 §5.4 puts them: a stream error resets
 * its stream and the connection serves on; a connection error sends GOAWAY and ends the
 * connection. Floods of frames that cost the server work (CVE-2019-9512 and relatives,
 * CVE-2023-44487 rapid reset, CVE-2024-27316 CONTINUATION) end it with ENHANCE_YOUR_CALM.
 */
public final class Http2Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Connection.class);
    static final int MAX_CONCURRENT_STREAMS = 128;
    /** The connection-level receive window, replenished as DATA arrives. */
    private static final int CONNECTION_WINDOW = 1024 * 1024;
    /** The longest a header block may grow, compressed, before the connection is ended. */
    private static final int MAX_CONTINUATIONS = 32;
    private static final int MAX_QUEUED_CONTROL_BYTES = 1024 * 1024;
    private static final HeaderName PRIORITY = HeaderName.of("priority");

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
    private final int maxHeaderBlock;
    private final StreamMap streams = new StreamMap();
    private final StreamWorkers workers = new StreamWorkers(MAX_CONCURRENT_STREAMS);
    private final HpackDecoder decoder = new HpackDecoder(4096);
    private final RequestHeaders requestHeaders;
    private final Runnable resumer = this::resume;
    private final RateLimit overhead = new RateLimit(400, 1_000_000_000L);
    private final RateLimit resets;

    private byte[] in;
    private int pos;
    private int limit;
    /** The highest stream id the client has used (§5.1.1), and the highest this side took on (§6.8). */
    private int lastStreamId;
    private volatile int lastProcessedId;
    private final RecentlyClosed recentlyClosed = new RecentlyClosed(MAX_CONCURRENT_STREAMS);
    private boolean settingsSeen;
    private int running;
    private int connectionRecvWindow = CONNECTION_WINDOW;
    private int connectionConsumed;
    private int peerInitialWindow = Frames.DEFAULT_WINDOW;
    private volatile boolean prefaceRead;
    /** Between beginIdle and the bytes (or close) that end the wait, across a suspension. */
    private boolean waitingIdle;
    /** GOAWAY sent: no new streams; read by the writer under its lock. */
    private volatile boolean goingAway;
    private boolean idleTimeoutArmed;

    private static final byte[] NO_BYTES = new byte[0];
    private byte[] headerBlock = new byte[1024];
    private int headerBlockLength;
    private int headerStreamId;
    private boolean headerEndStream;
    /** §5.3.1: the block's HEADERS named its own stream as its dependency: a stream error once decoded. */
    private boolean selfDependent;
    private int continuations;

    private Http2Stream[] toStart = new Http2Stream[4];
    private int toStartCount;
    /** Streams the writer has closed, for the reader to forget; guarded by the writer's lock. */
    private List<Http2Stream> closed = new ArrayList<>();
    private List<Http2Stream> closedSpare = new ArrayList<>();
    /** Open streams, counted under the writer's lock. */
    private int open;

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
        this.requestHeaders = new RequestHeaders(limits.maxHeaderBytes(), limits.maxTrailerBytes(), limits.maxHeaderCount());
        this.maxHeaderBlock = Math.max(16 * 1024, limits.maxHeaderBytes() * 2);
        this.resets = new RateLimit(200, 30_000_000_000L);
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
        writer.flush();
    }

    /** Serves the connection until it ends or suspends, idle, to be resumed on a new thread. */
    public void serve() {
        run();
    }

    private void resume() {
        run();
    }

    private void run() {
        boolean suspended = false;
        try {
            if (!prefaceRead) {
                sendSettings();
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
                channel.close();
                writer.closed();
                abandonAll();
                workers.retire();
            }
        }
    }

    /**
     * Serves a connection that an HTTP/1.1 request switched to h2c (RFC 7540 §3.2): the
     * server's SETTINGS go first, the client's {@code HTTP2-Settings} count as its first
     * SETTINGS (acknowledged implicitly), and the request is stream 1, half-closed, which
     * is answered while the client's preface is still on its way.
     */
    public void serveUpgrade(Request upgrading, byte[] settings) {
        boolean suspended = false;
        try {
            sendSettings();
            try {
                applySettings(settings, 0, settings.length);
            } catch (Http2Exception e) {
                in = new byte[Frames.HEADER_LENGTH + Frames.DEFAULT_MAX_FRAME_SIZE + 1024];
                connectionError(e);
                return;
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
            if (!readPreface()) {
                return;
            }
            suspended = loop();
        } catch (IOException e) {
            LOG.debug("HTTP/2 connection from {} ended: {}", channel.remoteAddress(), e.toString());
        } catch (RuntimeException e) {
            context.stats().error();
            LOG.warn("HTTP/2 connection from {} failed", channel.remoteAddress(), e);
        } finally {
            if (!suspended) {
                channel.close();
                writer.closed();
                abandonAll();
                workers.retire();
            }
        }
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
        in = new byte[Frames.HEADER_LENGTH + Frames.DEFAULT_MAX_FRAME_SIZE + 1024];
        channel.readTimeout(headTimeoutMillis);
        try {
            while (limit < Frames.PREFACE.length) {
                int n = channel.read(in, limit, in.length - limit);
                if (n < 0) {
                    return false;
                }
                limit += n;
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
            in = new byte[Frames.HEADER_LENGTH + Frames.DEFAULT_MAX_FRAME_SIZE + 1024];
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
                if (headerStreamId == 0) {
                    headerBlock = NO_BYTES;
                }
                synchronized (writer) {
                    spare.clear();
                }
                recentlyClosed.forget();
                channel.suspend(resumer);
                return SUSPENDED;
            }
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

    private int fill() throws IOException {
        if (in == null) {
            in = new byte[Frames.HEADER_LENGTH + Frames.DEFAULT_MAX_FRAME_SIZE + 1024];
        }
        int n = channel.read(in, limit, in.length - limit);
        if (n < 0) {
            return END;
        }
        limit += n;
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

    private void goAway(int code, String debug) {
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
            if (!settingsSeen) {
                if (type != Frames.SETTINGS || (flags & Frames.FLAG_ACK) != 0) {
                    throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "the preface must end with SETTINGS");
                }
                settingsSeen = true;
            }
            if (headerStreamId != 0 && type != Frames.CONTINUATION) {
                throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "expected CONTINUATION");
            }
            try {
                frame(type, flags, streamId, payload, length);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                streamError(streamId, e);
            }
        }
    }

    private void frame(int type, int flags, int streamId, int payload, int length) throws Http2Exception {
        switch (type) {
            case Frames.DATA -> data(flags, streamId, payload, length);
            case Frames.HEADERS -> headers(flags, streamId, payload, length);
            case Frames.PRIORITY -> priority(streamId, payload, length);
            case Frames.RST_STREAM -> rstStream(streamId, payload, length);
            case Frames.SETTINGS -> settings(flags, streamId, payload, length);
            case Frames.PUSH_PROMISE ->
                    throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
            case Frames.PING -> ping(flags, streamId, payload, length);
            case Frames.GOAWAY -> goAwayReceived(streamId, length);
            case Frames.WINDOW_UPDATE -> windowUpdate(streamId, payload, length);
            case Frames.CONTINUATION -> continuation(flags, streamId, payload, length);
            case Frames.PRIORITY_UPDATE -> priorityUpdate(streamId, payload, length);
            default -> calm(); // §4.1: unknown types are ignored, within the flood bound
        }
    }

    /** A frame that costs work and does nothing for a request: bounded per second. */
    private void calm() throws Http2Exception {
        if (!overhead.allow() || writer.queuedBytes() > MAX_QUEUED_CONTROL_BYTES) {
            throw Http2Exception.connection(Frames.ENHANCE_YOUR_CALM, "too many control frames");
        }
    }

    /** Padding (§6.1, §6.2): the pad length byte, checked; returns the padding's length. */
    private int padding(int flags, int payload, int length) throws Http2Exception {
        if ((flags & Frames.FLAG_PADDED) == 0) {
            return 0;
        }
        if (length < 1) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "padded frame without a pad length");
        }
        int pad = in[payload] & 0xFF;
        if (pad >= length) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "padding exceeds the payload");
        }
        return pad;
    }

    private void data(int flags, int streamId, int payload, int length) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "DATA on stream 0");
        }
        int pad = padding(flags, payload, length);
        int offset = (flags & Frames.FLAG_PADDED) != 0 ? 1 : 0;
        // §6.9: the whole payload counts against the connection window, whatever becomes of the stream.
        if (length > connectionRecvWindow) {
            throw Http2Exception.connection(Frames.FLOW_CONTROL_ERROR, "DATA beyond the connection window");
        }
        connectionRecvWindow -= length;
        connectionConsumed += length;
        if (connectionConsumed >= CONNECTION_WINDOW / 2) {
            writer.windowUpdate(0, connectionConsumed);
            connectionRecvWindow += connectionConsumed;
            connectionConsumed = 0;
        }
        boolean endStream = (flags & Frames.FLAG_END_STREAM) != 0;
        if (length == 0 && !endStream) {
            calm();
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "DATA on an idle stream");
            }
            int recent = recentlyClosed.lookup(streamId);
            if (recent == RecentlyClosed.RESET) {
                return; // in flight when this side reset the stream: ignored (§5.1), its window counted above
            }
            throw recent == RecentlyClosed.ENDED
                    ? Http2Exception.connection(Frames.STREAM_CLOSED, "DATA after END_STREAM")
                    : Http2Exception.stream(Frames.STREAM_CLOSED, "DATA on a closed stream");
        }
        if (s.remoteClosed) {
            if (writer.isReset(s)) {
                return; // in flight when this side reset the stream: ignored (§5.1)
            }
            throw Http2Exception.stream(Frames.STREAM_CLOSED, "DATA after END_STREAM");
        }
        if (endStream) {
            s.remoteClosed = true;
        }
        Http2Exception error = s.data(in, payload + offset, length - offset - pad, length, endStream);
        if (error != null) {
            throw error;
        }
    }

    private void headers(int flags, int streamId, int payload, int length) throws Http2Exception {
        if (streamId == 0 || (streamId & 1) == 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "HEADERS on an invalid stream id");
        }
        int pad = padding(flags, payload, length);
        int offset = (flags & Frames.FLAG_PADDED) != 0 ? 1 : 0;
        if ((flags & Frames.FLAG_PRIORITY) != 0) {
            if (length - offset - pad < 5) {
                throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "HEADERS too short for its priority");
            }
            selfDependent = (Frames.getInt(in, payload + offset) & 0x7FFF_FFFF) == streamId;
            offset += 5;
        }
        int fragment = length - offset - pad;
        if (fragment == 0 && (flags & Frames.FLAG_END_HEADERS) == 0) {
            calm();
        }
        if ((flags & Frames.FLAG_PRIORITY) == 0) {
            selfDependent = false;
        }
        headerBlockLength = 0;
        continuations = 0;
        appendFragment(payload + offset, fragment);
        headerEndStream = (flags & Frames.FLAG_END_STREAM) != 0;
        if ((flags & Frames.FLAG_END_HEADERS) == 0) {
            headerStreamId = streamId;
            return;
        }
        headerBlock(streamId);
    }

    private void continuation(int flags, int streamId, int payload, int length) throws Http2Exception {
        if (headerStreamId == 0 || streamId != headerStreamId) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "unexpected CONTINUATION");
        }
        // CVE-2024-27316: a block that never ends is cut off by frame count and by size.
        if (++continuations > MAX_CONTINUATIONS || (length == 0 && (flags & Frames.FLAG_END_HEADERS) == 0 && !overhead.allow())) {
            throw Http2Exception.connection(Frames.ENHANCE_YOUR_CALM, "too many CONTINUATION frames");
        }
        appendFragment(payload, length);
        if ((flags & Frames.FLAG_END_HEADERS) != 0) {
            headerStreamId = 0;
            headerBlock(streamId);
        }
    }

    private void appendFragment(int from, int length) throws Http2Exception {
        if (headerBlockLength + length > maxHeaderBlock) {
            throw Http2Exception.connection(Frames.ENHANCE_YOUR_CALM, "header block too large");
        }
        if (headerBlock.length < headerBlockLength + length) {
            headerBlock = Arrays.copyOf(headerBlock, Math.max(Math.max(headerBlock.length * 2, 1024), headerBlockLength + length));
        }
        System.arraycopy(in, from, headerBlock, headerBlockLength, length);
        headerBlockLength += length;
    }

    /** A complete header block: a new request, trailers, or a block to decode and drop. */
    private void headerBlock(int streamId) throws Http2Exception {
        if (selfDependent) {
            decodeAndDrop(); // §4.3: every block is decoded, or the tables part ways
            throw Http2Exception.stream(Frames.PROTOCOL_ERROR, "stream depends on itself");
        }
        Http2Stream s = streams.get(streamId);
        if (s != null) {
            trailers(s);
            return;
        }
        if (streamId <= lastStreamId) {
            decodeAndDrop();
            int recent = recentlyClosed.lookup(streamId);
            if (recent == RecentlyClosed.RESET) {
                return; // trailers in flight when this side reset the stream: ignored (§5.1)
            }
            throw recent == RecentlyClosed.ENDED
                    ? Http2Exception.connection(Frames.STREAM_CLOSED, "HEADERS on a closed stream")
                    : Http2Exception.connection(Frames.PROTOCOL_ERROR, "stream id lower than one used before");
        }
        lastStreamId = streamId;
        if (goingAway) {
            decodeAndDrop(); // §6.8: streams after GOAWAY's last id are not served
            return;
        }
        int admission;
        synchronized (writer) { // where the writer decides on GOAWAY, too
            if (goingAway) {
                admission = GOING_AWAY;
            } else if (open >= MAX_CONCURRENT_STREAMS || running >= 2 * MAX_CONCURRENT_STREAMS) {
                // Handlers of streams the client has reset still count (up to twice the limit):
                // resetting streams must not let a client run more handlers than it may open.
                admission = FULL;
            } else {
                open++;
                running++;
                lastProcessedId = streamId;
                admission = ADMITTED;
            }
        }
        if (admission != ADMITTED) {
            decodeAndDrop();
            if (admission == FULL) {
                throw Http2Exception.stream(Frames.REFUSED_STREAM, "too many concurrent streams");
            }
            return;
        }
        s = streamFor(streamId);
        requestHeaders.begin(s.request, false);
        decode(requestHeaders);
        if (!requestHeaders.end()) {
            requestHeaders.release();
            synchronized (writer) {
                running--;
                streamClosed(s); // never opened for the handler: its slot goes back at once
                closed.remove(s);
            }
            throw Http2Exception.stream(Frames.PROTOCOL_ERROR, "malformed request: " + requestHeaders.malformed());
        }
        s.refusal = requestHeaders.refusal();
        requestHeaders.release();
        int priority = s.request.headers.indexOf(PRIORITY);
        if (priority >= 0) {
            var h = s.request.headers;
            int p = Priority.parse(h.rawData(), h.valueOffset(priority), h.valueLength(priority));
            s.urgency = p >>> 1;
            s.incremental = (p & 1) != 0;
        }
        streams.put(streamId, s);
        if (headerEndStream) {
            s.remoteClosed = true;
            s.endOfRequest();
        }
        context.stats().request();
        if (toStartCount == toStart.length) {
            toStart = Arrays.copyOf(toStart, toStartCount * 2);
        }
        toStart[toStartCount++] = s;
    }

    /** §8.1: a second header block ends the request, as its trailers. */
    private void trailers(Http2Stream s) throws Http2Exception {
        if (s.remoteClosed) {
            decodeAndDrop();
            if (writer.isReset(s)) {
                return; // in flight when this side reset the stream: ignored (§5.1)
            }
            throw Http2Exception.connection(Frames.STREAM_CLOSED, "HEADERS after END_STREAM");
        }
        requestHeaders.begin(s.request, true);
        decode(requestHeaders);
        boolean tooLarge = requestHeaders.refusal() != null;
        boolean wellFormed = !tooLarge && headerEndStream && requestHeaders.end();
        requestHeaders.release();
        if (tooLarge) {
            s.remoteClosed = true;
            s.fail(new io.shockwave.runtime.RequestBodyException(io.shockwave.runtime.Status.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "Request trailers too large"), false);
            s.endOfRequest();
            return;
        }
        if (!wellFormed) {
            s.remoteClosed = true;
            s.fail(new io.shockwave.runtime.RequestBodyException(io.shockwave.runtime.Status.BAD_REQUEST,
                    "malformed trailers"), false);
            throw Http2Exception.stream(Frames.PROTOCOL_ERROR, "malformed trailers");
        }
        s.remoteClosed = true;
        s.endOfRequest();
    }

    private void decode(HpackDecoder.Sink sink) throws Http2Exception {
        try {
            decoder.decode(headerBlock, 0, headerBlockLength, sink);
        } catch (HpackException e) {
            throw Http2Exception.connection(Frames.COMPRESSION_ERROR, e.getMessage());
        }
    }

    private static final HpackDecoder.Sink DROP = (n, no, nl, v, vo, vl, i) -> {
    };

    private void decodeAndDrop() throws Http2Exception {
        decode(DROP);
    }

    private void priority(int streamId, int payload, int length) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "PRIORITY on stream 0");
        }
        if (length != 5) {
            throw Http2Exception.stream(Frames.FRAME_SIZE_ERROR, "PRIORITY of the wrong size");
        }
        calm();
        if ((Frames.getInt(in, payload) & 0x7FFF_FFFF) == streamId) {
            throw Http2Exception.stream(Frames.PROTOCOL_ERROR, "stream depends on itself");
        }
    }

    /** RFC 9218 §7.1. */
    private void priorityUpdate(int streamId, int payload, int length) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "PRIORITY_UPDATE on a stream");
        }
        if (length < 4) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "PRIORITY_UPDATE too short");
        }
        calm();
        int prioritized = Frames.getInt(in, payload) & 0x7FFF_FFFF;
        if (prioritized == 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "PRIORITY_UPDATE for stream 0");
        }
        Http2Stream s = streams.get(prioritized);
        if (s != null) {
            writer.reprioritize(s, Priority.parse(in, payload + 4, length - 4));
        }
    }

    private void rstStream(int streamId, int payload, int length) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "RST_STREAM on stream 0");
        }
        if (length != 4) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "RST_STREAM of the wrong size");
        }
        if (streamId > lastStreamId) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "RST_STREAM on an idle stream");
        }
        countReset();
        Http2Stream s = streams.get(streamId);
        if (s != null) {
            s.remoteClosed = true;
            s.abandoned(false);
            writer.clientReset(s);
        }
    }

    /**
     * CVE-2023-44487 (rapid reset) and CVE-2025-8671 (MadeYouReset): resets the client
     * sends and resets it makes the server send both count towards one bound.
     */
    private void countReset() throws Http2Exception {
        if (!resets.allow()) {
            throw Http2Exception.connection(Frames.ENHANCE_YOUR_CALM, "too many stream resets");
        }
    }

    private void settings(int flags, int streamId, int payload, int length) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "SETTINGS on a stream");
        }
        if ((flags & Frames.FLAG_ACK) != 0) {
            if (length != 0) {
                throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "SETTINGS ack with a payload");
            }
            return;
        }
        if (length % 6 != 0) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "SETTINGS of a wrong size");
        }
        calm();
        applySettings(in, payload, length);
        writer.settingsAck();
    }

    /** §6.5.2: the peer's settings, in a SETTINGS frame or in HTTP2-Settings. */
    private void applySettings(byte[] src, int payload, int length) throws Http2Exception {
        int initialWindow = -1;
        for (int at = payload; at < payload + length; at += 6) {
            int id = (src[at] & 0xFF) << 8 | (src[at + 1] & 0xFF);
            int value = Frames.getInt(src, at + 2);
            switch (id) {
                case Frames.SETTINGS_HEADER_TABLE_SIZE -> writer.peerHeaderTableSize(value < 0 ? Integer.MAX_VALUE : value);
                case Frames.SETTINGS_ENABLE_PUSH -> {
                    if (value != 0 && value != 1) {
                        throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "ENABLE_PUSH not 0 or 1");
                    }
                }
                case Frames.SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value < 0) {
                        throw Http2Exception.connection(Frames.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE above 2^31-1");
                    }
                    initialWindow = value; // the last one counts: a frame of thousands costs one pass
                }
                case Frames.SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < Frames.DEFAULT_MAX_FRAME_SIZE || value > Frames.MAX_MAX_FRAME_SIZE) {
                        throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "MAX_FRAME_SIZE out of range");
                    }
                    writer.peerMaxFrameSize(value);
                }
                default -> {
                    // MAX_CONCURRENT_STREAMS (the server opens none), MAX_HEADER_LIST_SIZE
                    // (advisory), and unknown settings (§6.5.2: ignored).
                }
            }
        }
        if (initialWindow >= 0) {
            int delta = initialWindow - peerInitialWindow;
            peerInitialWindow = initialWindow;
            if (delta != 0) {
                boolean[] overflow = new boolean[1];
                streams.forEach(s -> overflow[0] |= !writer.initialWindowChanged(s, delta));
                if (overflow[0]) {
                    throw Http2Exception.connection(Frames.FLOW_CONTROL_ERROR, "a stream window passed 2^31-1");
                }
            }
        }
    }

    private void ping(int flags, int streamId, int payload, int length) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "PING on a stream");
        }
        if (length != 8) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "PING of the wrong size");
        }
        calm();
        if ((flags & Frames.FLAG_ACK) == 0) {
            writer.pingAck(in, payload);
        }
    }

    private void goAwayReceived(int streamId, int length) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "GOAWAY on a stream");
        }
        if (length < 8) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "GOAWAY too short");
        }
        if (!goingAway) {
            goAway(Frames.NO_ERROR, null); // the client leaves: finish what is open, then close
        }
    }

    private void windowUpdate(int streamId, int payload, int length) throws Http2Exception {
        if (length != 4) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "WINDOW_UPDATE of the wrong size");
        }
        int increment = Frames.getInt(in, payload) & 0x7FFF_FFFF;
        if (streamId == 0) {
            if (increment == 0) {
                throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
            }
            if (!writer.connectionCredit(increment)) {
                throw Http2Exception.connection(Frames.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
            }
            return;
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "WINDOW_UPDATE on an idle stream");
            }
            calm(); // §6.9: allowed on a closed stream for a while, and ignored
            return;
        }
        if (increment == 0) {
            throw Http2Exception.stream(Frames.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
        }
        if (!writer.streamCredit(s, increment)) {
            throw Http2Exception.stream(Frames.FLOW_CONTROL_ERROR, "stream window above 2^31-1");
        }
    }

    /** §5.4.2: RST_STREAM with the error's code; the stream's body fails, its response is reset. */
    private void streamError(int streamId, Http2Exception e) throws Http2Exception {
        LOG.debug("HTTP/2 stream error on stream {} from {}: {}", streamId, channel.remoteAddress(), e.toString());
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            writer.rstStream(streamId, e.code());
        } else {
            s.remoteClosed = true;
            s.fail(new io.shockwave.runtime.RequestBodyException(io.shockwave.runtime.Status.BAD_REQUEST,
                    e.getMessage()), false);
            writer.reset(s, e.code());
        }
        countReset();
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
    private Http2Stream streamFor(int id) {
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

    private static final int ADMITTED = 0;
    private static final int FULL = 1;
    private static final int GOING_AWAY = 2;

    private int openStreams() {
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
