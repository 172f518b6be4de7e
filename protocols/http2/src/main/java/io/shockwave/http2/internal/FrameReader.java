package io.shockwave.http2.internal;

import io.shockwave.http2.hpack.HpackDecoder;
import io.shockwave.http2.hpack.HpackException;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * What the client's frames do (RFC 9113 §6): each frame type checked where §4 to §8 say and
 * applied to the connection's state: header blocks decoded into new streams or trailers,
 * DATA to its stream against the receive windows, SETTINGS, PING, GOAWAY, WINDOW_UPDATE,
 * RST_STREAM, PRIORITY (parsed and ignored) and PRIORITY_UPDATE (RFC 9218). Errors are thrown
 * as {@link Http2Exception}s of the type the RFC gives them; a stream error is answered here,
 * a connection error by the connection. Floods of frames that cost work and serve no request
 * are bounded here too. Used by the connection's reader thread only.
 */
final class FrameReader {
    private static final Logger LOG = LoggerFactory.getLogger(FrameReader.class);
    /** The most CONTINUATION frames one header block may take (CVE-2024-27316). */
    private static final int MAX_CONTINUATIONS = 32;
    /** Control frames queued and not yet written (PING and SETTINGS acknowledgements, say): past this, a flood. */
    private static final int MAX_QUEUED_CONTROL_BYTES = 1024 * 1024;
    private static final HeaderName PRIORITY = HeaderName.of("priority");
    private static final byte[] NO_BYTES = new byte[0];
    /** How a new stream fares: taken on, refused at the limit, or ignored after GOAWAY. */
    private static final int ADMITTED = 0;
    private static final int FULL = 1;
    private static final int GOING_AWAY = 2;

    private final Http2Connection c;
    private final HpackDecoder decoder = new HpackDecoder(4096);
    private final RequestHeaders requestHeaders;
    /** Frames that cost work and serve no request, per second; stream resets, per 30 s. */
    private final RateLimit overhead = new RateLimit(400, 1_000_000_000L);
    private final RateLimit resets;
    /** The longest a header block may grow, compressed, before the connection is ended. */
    private final int maxHeaderBlock;
    /** The buffer the frame being handled lies in, as the connection read it. */
    private byte[] in;
    private boolean settingsSeen;
    /** The connection-level receive window (§6.9), and what has arrived since credit was last returned. */
    private int connectionRecvWindow = Http2Connection.CONNECTION_WINDOW;
    private int connectionConsumed;

    /** A header block in progress: its fragments so far, its stream, and what its HEADERS said. */
    private byte[] headerBlock = new byte[1024];
    private int headerBlockLength;
    private int headerStreamId;
    private boolean headerEndStream;
    /** §5.3.1: the block's HEADERS named its own stream as its dependency: a stream error once decoded. */
    private boolean selfDependent;
    private int continuations;

    FrameReader(Http2Connection connection, Limits limits) {
        this.c = connection;
        this.requestHeaders = new RequestHeaders(limits.maxHeaderBytes(), limits.maxTrailerBytes(), limits.maxHeaderCount());
        this.maxHeaderBlock = Math.max(16 * 1024, limits.maxHeaderBytes() * 2);
        this.resets = new RateLimit(200, 30_000_000_000L);
    }

    /**
     * One frame, whose payload is {@code buf[payload, +length)}: the ordering rules that hold
     * for every frame first (§3.4 SETTINGS first, §6.10 nothing inside a header block), then
     * the frame's own. A stream error is answered here; a connection error is thrown.
     */
    void handle(byte[] buf, int type, int flags, int streamId, int payload, int length) throws Http2Exception {
        this.in = buf;
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
        } finally {
            this.in = null; // the connection's buffer, which it gives back while idle
        }
    }

    /** The connection is idle: the header-block buffer goes, unless a block is half received. */
    void releaseIdleBuffers() {
        if (headerStreamId == 0) {
            headerBlock = NO_BYTES;
        }
        decoder.releaseScratch();
        requestHeaders.releaseScratch();
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
        if (!overhead.allow() || c.writer.queuedBytes() > MAX_QUEUED_CONTROL_BYTES) {
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
        if (connectionConsumed >= Http2Connection.CONNECTION_WINDOW / 2) {
            c.writer.windowUpdate(0, connectionConsumed);
            connectionRecvWindow += connectionConsumed;
            connectionConsumed = 0;
        }
        boolean endStream = (flags & Frames.FLAG_END_STREAM) != 0;
        if (length == 0 && !endStream) {
            calm();
        }
        Http2Stream s = c.streams.get(streamId);
        if (s == null) {
            if (streamId > c.lastStreamId) {
                throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "DATA on an idle stream");
            }
            int recent = c.recentlyClosed.lookup(streamId);
            if (recent == RecentlyClosed.RESET) {
                return; // in flight when this side reset the stream: ignored (§5.1), its window counted above
            }
            throw recent == RecentlyClosed.ENDED
                    ? Http2Exception.connection(Frames.STREAM_CLOSED, "DATA after END_STREAM")
                    : Http2Exception.stream(Frames.STREAM_CLOSED, "DATA on a closed stream");
        }
        if (s.remoteClosed) {
            if (c.writer.isReset(s)) {
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
        Http2Stream s = c.streams.get(streamId);
        if (s != null) {
            trailers(s);
            return;
        }
        if (streamId <= c.lastStreamId) {
            decodeAndDrop();
            int recent = c.recentlyClosed.lookup(streamId);
            if (recent == RecentlyClosed.RESET) {
                return; // trailers in flight when this side reset the stream: ignored (§5.1)
            }
            throw recent == RecentlyClosed.ENDED
                    ? Http2Exception.connection(Frames.STREAM_CLOSED, "HEADERS on a closed stream")
                    : Http2Exception.connection(Frames.PROTOCOL_ERROR, "stream id lower than one used before");
        }
        c.lastStreamId = streamId;
        if (c.goingAway) {
            decodeAndDrop(); // §6.8: streams after GOAWAY's last id are not served
            return;
        }
        int admission;
        synchronized (c.writer) { // where the writer decides on GOAWAY, too
            if (c.goingAway) {
                admission = GOING_AWAY;
            } else if (c.open >= Http2Connection.MAX_CONCURRENT_STREAMS || c.running >= 2 * Http2Connection.MAX_CONCURRENT_STREAMS) {
                // Handlers of streams the client has reset still count (up to twice the limit):
                // resetting streams must not let a client run more handlers than it may open.
                admission = FULL;
            } else {
                c.open++;
                c.running++;
                c.lastProcessedId = streamId;
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
        s = c.streamFor(streamId);
        requestHeaders.begin(s.request, false);
        decode(requestHeaders);
        if (!requestHeaders.end()) {
            requestHeaders.release();
            synchronized (c.writer) {
                c.running--;
                c.slotFreed(); // never opened for the handler: its slot goes back at once
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
        c.streams.put(streamId, s);
        if (headerEndStream) {
            s.remoteClosed = true;
            s.endOfRequest();
        }
        c.context.stats().request();
        if (c.toStartCount == c.toStart.length) {
            c.toStart = Arrays.copyOf(c.toStart, c.toStartCount * 2);
        }
        c.toStart[c.toStartCount++] = s;
    }

    /** §8.1: a second header block ends the request, as its trailers. */
    private void trailers(Http2Stream s) throws Http2Exception {
        if (s.remoteClosed) {
            decodeAndDrop();
            if (c.writer.isReset(s)) {
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
        Http2Stream s = c.streams.get(prioritized);
        if (s != null) {
            c.writer.reprioritize(s, Priority.parse(in, payload + 4, length - 4));
        }
    }

    private void rstStream(int streamId, int payload, int length) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "RST_STREAM on stream 0");
        }
        if (length != 4) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "RST_STREAM of the wrong size");
        }
        if (streamId > c.lastStreamId) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "RST_STREAM on an idle stream");
        }
        countReset();
        c.context.stats().resetReceived(2);
        Http2Stream s = c.streams.get(streamId);
        if (s != null) {
            s.remoteClosed = true;
            s.abandoned(false);
            c.writer.clientReset(s);
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
        c.writer.settingsAck();
    }

    /** §6.5.2: the peer's settings, in a SETTINGS frame or in HTTP2-Settings. */
    void applySettings(byte[] src, int payload, int length) throws Http2Exception {
        int initialWindow = -1;
        for (int at = payload; at < payload + length; at += 6) {
            int id = (src[at] & 0xFF) << 8 | (src[at + 1] & 0xFF);
            int value = Frames.getInt(src, at + 2);
            switch (id) {
                case Frames.SETTINGS_HEADER_TABLE_SIZE -> c.writer.peerHeaderTableSize(value < 0 ? Integer.MAX_VALUE : value);
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
                    c.writer.peerMaxFrameSize(value);
                }
                default -> {
                    // MAX_CONCURRENT_STREAMS (the server opens none), MAX_HEADER_LIST_SIZE
                    // (advisory), and unknown settings (§6.5.2: ignored).
                }
            }
        }
        if (initialWindow >= 0) {
            int delta = initialWindow - c.peerInitialWindow;
            c.peerInitialWindow = initialWindow;
            if (delta != 0) {
                boolean[] overflow = new boolean[1];
                c.streams.forEach(s -> overflow[0] |= !c.writer.initialWindowChanged(s, delta));
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
            c.writer.pingAck(in, payload);
        }
    }

    private void goAwayReceived(int streamId, int length) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "GOAWAY on a stream");
        }
        if (length < 8) {
            throw Http2Exception.connection(Frames.FRAME_SIZE_ERROR, "GOAWAY too short");
        }
        c.context.stats().goAwayReceived(2);
        if (!c.goingAway) {
            c.goAway(Frames.NO_ERROR, null); // the client leaves: finish what is open, then close
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
            if (!c.writer.connectionCredit(increment)) {
                throw Http2Exception.connection(Frames.FLOW_CONTROL_ERROR, "connection window above 2^31-1");
            }
            return;
        }
        Http2Stream s = c.streams.get(streamId);
        if (s == null) {
            if (streamId > c.lastStreamId) {
                throw Http2Exception.connection(Frames.PROTOCOL_ERROR, "WINDOW_UPDATE on an idle stream");
            }
            calm(); // §6.9: allowed on a closed stream for a while, and ignored
            return;
        }
        if (increment == 0) {
            throw Http2Exception.stream(Frames.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
        }
        if (!c.writer.streamCredit(s, increment)) {
            throw Http2Exception.stream(Frames.FLOW_CONTROL_ERROR, "stream window above 2^31-1");
        }
    }

    /** §5.4.2: RST_STREAM with the error's code; the stream's body fails, its response is reset. */
    private void streamError(int streamId, Http2Exception e) throws Http2Exception {
        LOG.debug("HTTP/2 stream error on stream {} from {}: {}", streamId, c.channel.remoteAddress(), e.toString());
        Http2Stream s = c.streams.get(streamId);
        if (s == null) {
            c.writer.rstStream(streamId, e.code());
        } else {
            s.remoteClosed = true;
            s.fail(new io.shockwave.runtime.RequestBodyException(io.shockwave.runtime.Status.BAD_REQUEST,
                    e.getMessage()), false);
            c.writer.reset(s, e.code());
        }
        countReset();
    }
}
