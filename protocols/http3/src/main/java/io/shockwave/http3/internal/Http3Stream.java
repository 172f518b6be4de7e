package io.shockwave.http3.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.shockwave.transport.quic.KwikSendRescue;
import io.shockwave.transport.quic.KwikStopReading;
import tech.kwik.core.QuicStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * One request stream (RFC 9114 §4.1), on its own virtual thread: it reads the HEADERS
 * frame, runs the handler, and ends the stream with the response. The request body is
 * read from the DATA frames as the handler reads it (QUIC's flow control then holds the
 * client back, on this stream only), and trailers after them.
 *
 * <p>An exchange is a success only when the handler returned and the body, if read, was
 * read without error. Otherwise the error handler answers while nothing has been sent,
 * and after that the stream is reset (H3_INTERNAL_ERROR, or H3_REQUEST_CANCELLED when the
 * client went away), so that the client never takes a broken response for a whole one.
 */
final class Http3Stream implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Http3Stream.class);

    final Http3Connection connection;
    private final QuicStream quic;
    private final FrameInput in;
    final Http3Request request = new Http3Request(this);
    private final Http3Response response = new Http3Response(this);
    private final Body body = new Body();
    /** Kwik's output of the stream, once the response writes; read by the watchdog too. */
    private volatile OutputStream out;
    /** Set once the exchange is over: a body or output kept past the handler fails. */
    private volatile boolean done;
    private long doneAt;
    private boolean reset; // guarded by this
    /** A write to the stream failed while the server had not reset it: the client stopped reading (STOP_SENDING). */
    private volatile boolean outputGone;
    /** When the write to Kwik in progress started ({@link System#nanoTime()} | 1), or 0. */
    private volatile long writingSince;
    /** When the read that waits (for the head, or for the handler's body) times out, or 0. */
    private volatile long readDeadline;
    private volatile boolean readingHead;

    /** Whether the stream arrived while the handshake was still to complete: 0-RTT early data, if it started early. */
    private final boolean beforeHandshake;

    Http3Stream(Http3Connection connection, QuicStream quic) {
        this.connection = connection;
        this.quic = quic;
        this.beforeHandshake = connection.beforeHandshake();
        this.in = new FrameInput(quic.getInputStream(), 4096);
    }

    @Override
    public void run() {
        connection.context.stats().streamStarted(3);
        try {
            serve();
        } catch (Http3Exception e) {
            connection.connectionError(e);
        } finally {
            connection.context.stats().streamEnded(3);
            settleStoppedReading();
            doneAt = System.nanoTime();
            done = true;
            connection.streamEnded(this);
        }
    }

    private void serve() throws Http3Exception {
        Throwable failure = null;
        long start = 0;
        try {
            if (!readHead()) {
                return;
            }
            start = connection.context.observesExchanges() ? System.nanoTime() : 0;
            if (!request.method().isSafe() && connection.isEarly(beforeHandshake)) {
                // RFC 8470 §5.2, RFC 9114 §10.9: early data can be replayed; only safe methods run from it.
                throw new HttpException(Status.of(425, "Too Early"), "Request sent in early data");
            }
            connection.context.stats().request();
            connection.context.handler().handle(request, response);
        } catch (Http3Exception e) {
            throw e;
        } catch (Throwable t) {
            failure = t;
        }
        if (body.failure != null) {
            failure = body.failure; // why the exchange failed, whatever the handler made of it
        }
        if (failure == null) {
            try {
                response.finish();
                stopReadingIfUnread();
                observe(start, false);
                return;
            } catch (Throwable t) {
                failure = t;
            }
        }
        observe(start, !fail(failure));
    }

    /** Reports the exchange to the server's observers; {@code start} 0 when its head was malformed. */
    private void observe(long start, boolean aborted) {
        io.shockwave.runtime.spi.ServerContext context = connection.context;
        if (context.observesExchanges()) {
            context.exchangeEnded(request, response.status(),
                    response.bodyBytes(request.method() == io.shockwave.runtime.Method.HEAD),
                    start != 0 ? start : System.nanoTime(), aborted);
        }
    }

    /**
     * Reads frames up to the request's HEADERS and decodes them; false if the stream ended
     * or was reset first (nothing to answer). A malformed request becomes an HttpException,
     * answered by the error handler.
     */
    private boolean readHead() throws IOException, Http3Exception, HttpException {
        readingHead = true;
        readDeadline = (System.nanoTime() + connection.headTimeoutNanos) | 1;
        try {
            return readHeadFrames();
        } catch (IOException e) {
            if (body.timedOut) {
                Thread.interrupted(); // as for the body
                throw new HttpException(Status.REQUEST_TIMEOUT, "Request head not received in time");
            }
            throw e;
        } finally {
            readDeadline = 0;
            readingHead = false;
        }
    }

    private boolean readHeadFrames() throws IOException, Http3Exception, HttpException {
        int max = connection.context.limits().maxHeaderBytes();
        while (true) {
            long type;
            long length;
            try {
                type = in.varintOrEnd();
                if (type < 0) {
                    quic.resetStream(Frames.H3_REQUEST_INCOMPLETE);
                    return false;
                }
                length = in.varint();
            } catch (IOException e) {
                if (body.timedOut) {
                    throw e; // answered 408 by readHead
                }
                LOG.debug("HTTP/3 request stream ended before its headers: {}", e.toString());
                resetStream(Frames.H3_REQUEST_INCOMPLETE);
                return false;
            }
            if (type == Frames.HEADERS) {
                if (length > max) {
                    in.skip(length);
                    throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request header fields too large");
                }
                byte[] block = new byte[(int) length];
                in.readFully(block, 0, block.length);
                java.util.List<Map.Entry<String, String>> fields = FieldSection.decode(block, block.length, max,
                        connection.context.limits().maxHeaderCount());
                FieldSection.toRequest(fields, request, connection.context.limits().maxHeaderCount());
                return true;
            }
            skipUnknown(type, length);
        }
    }

    /** The largest frame of an unknown type read and dropped. */
    private static final int MAX_IGNORED_FRAME = 16 * 1024;

    /** §9: frames of unknown types are ignored, within {@link Http3Connection#ignore}'s allowance and a size. */
    private void skipUnknown(long type, long length) throws IOException, Http3Exception {
        checkFrameType(type);
        if (length > MAX_IGNORED_FRAME) {
            throw new Http3Exception(Frames.H3_EXCESSIVE_LOAD, "an unknown frame of " + length + " bytes");
        }
        connection.ignore("a frame of type " + type);
        in.skip(length);
    }

    /** §7.2: frames that may not appear on a request stream (DATA before HEADERS included). */
    private static void checkFrameType(long type) throws Http3Exception {
        if (type == Frames.DATA || type == Frames.SETTINGS || type == Frames.GOAWAY || type == Frames.CANCEL_PUSH
                || type == Frames.MAX_PUSH_ID || type == Frames.PUSH_PROMISE || Frames.isReservedHttp2Type(type)) {
            throw new Http3Exception(Frames.H3_FRAME_UNEXPECTED, "frame type " + type + " on a request stream");
        }
    }

    /** The response is complete: a body the handler left unread is not wanted (§4.1: H3_NO_ERROR). */
    private void stopReadingIfUnread() {
        if (!body.ended) {
            stopReading(Frames.H3_NO_ERROR);
        }
    }

    /** The reading was stopped, with Kwik's flow-control credit to settle; guarded by this. */
    private KwikStopReading.Stopped stopped;
    private boolean readingStopped;

    /** Stops reading the request (STOP_SENDING), once, giving the connection back the window its unread bytes took. */
    private synchronized void stopReading(long code) {
        if (!readingStopped) {
            readingStopped = true;
            stopped = KwikStopReading.stop(quic, code);
        }
    }

    /**
     * At the end of the exchange, and on watchdog ticks while its response is still leaving:
     * gives the connection back the window of what the client sent that was not read.
     */
    void settleStoppedReading() {
        KwikStopReading.Stopped s;
        synchronized (this) {
            s = stopped;
        }
        if (s != null) {
            s.settle();
        }
    }

    /** Answers a failed exchange (error handler, or a reset); returns whether the error handler answered. */
    private boolean fail(Throwable failure) {
        if (failure instanceof Error e && !(failure instanceof StackOverflowError)) {
            resetStream(Frames.H3_INTERNAL_ERROR);
            throw e;
        }
        boolean clientCaused = failure instanceof HttpException || failure instanceof RequestBodyException;
        boolean clientGone = body.clientGone || outputGone;
        if (!clientCaused || !clientGone) {
            connection.context.stats().error();
        }
        if (clientGone) {
            // The client reset the request or stopped reading the response: an ordinary event.
            LOG.debug("HTTP/3 stream {} from {} given up by the client: {}", quic.getStreamId(),
                    connection.remoteAddress(), failure.toString());
            resetStream(Frames.H3_REQUEST_CANCELLED);
            return false;
        }
        synchronized (this) {
            if (reset) {
                // The server reset it already (a write past the write timeout): that is the answer.
                LOG.debug("HTTP/3 stream {} failed after it was reset: {}", quic.getStreamId(), failure.toString());
                return false;
            }
        }
        if (response.isCommitted()) {
            if (clientCaused) {
                LOG.debug("{} on HTTP/3 stream {} after the response started; resetting it", failure.getMessage(),
                        quic.getStreamId());
            } else {
                LOG.warn("Handler failed on {} {} after the response started; resetting the stream",
                        request.method(), request.rawPath(), failure);
            }
            resetStream(Frames.H3_INTERNAL_ERROR);
            return false;
        }
        if (clientCaused) {
            LOG.debug("HTTP/3 request from {} refused: {}", connection.remoteAddress(), failure.getMessage());
        }
        response.resetForError();
        try {
            connection.context.errorHandler().handle(request, response, failure);
            response.finish();
            stopReadingIfUnread();
            return true;
        } catch (Throwable second) {
            LOG.debug("Error response on HTTP/3 stream {} failed: {}", quic.getStreamId(), second.toString());
            resetStream(Frames.H3_INTERNAL_ERROR);
            return false;
        }
    }

    private synchronized void resetStream(long code) {
        if (!reset) {
            reset = true;
            connection.context.stats().resetSent(3);
            quic.resetStream(code);
            if (!body.ended) {
                stopReading(code);
            }
        }
    }

    private OutputStream out() {
        if (out == null) {
            out = quic.getOutputStream();
        }
        return out;
    }

    /**
     * Writes to the QUIC stream, blocking while Kwik's send buffer is full; watched by
     * {@link #checkDeadlines}. Kwik decides whether it lost the send request it queues
     * (see {@link KwikSendRescue}) before the write returns, so it is looked at right here.
     */
    void write(byte[] b, int off, int len) throws IOException {
        OutputStream o = out();
        writingSince = System.nanoTime() | 1;
        try {
            o.write(b, off, len);
        } catch (IOException e) {
            outputFailed();
            throw e;
        } finally {
            writingSince = 0;
        }
        KwikSendRescue.rescue(o);
    }

    private synchronized void outputFailed() {
        if (!reset) {
            outputGone = true;
        }
    }

    /** Ends the response's bytes: the FIN, after what was written; the same look as after a write. */
    void closeOutput() throws IOException {
        OutputStream o = out();
        try {
            o.close();
        } catch (IOException e) {
            outputFailed();
            throw e;
        }
        KwikSendRescue.rescue(o);
    }

    /**
     * From the server's watchdog, every tick: a read past its deadline is ended (the
     * request's head or body did not arrive in time), and a write that has waited past the
     * write timeout (the client gives the stream no credit, or takes nothing) resets the
     * stream; the connection serves on. A write that waits gets its send request queued
     * again if Kwik 0.10.8 lost it ({@link KwikSendRescue}). (An empty write from here, the
     * other way to queue one, could land between the last bytes and the FIN and lose the FIN.)
     */
    /**
     * Whether the stream still needs the watchdog once its exchange is over: Kwik may still
     * hold response bytes whose send request it lost (see {@link KwikSendRescue}).
     */
    boolean outputPending() {
        return out != null && KwikSendRescue.rescue(out);
    }

    void checkDeadlines(long now, long writeTimeoutNanos) {
        long deadline = readDeadline;
        if (deadline != 0 && now - deadline > 0) {
            LOG.debug("HTTP/3 stream {} from {}: its request {} did not arrive in time", quic.getStreamId(),
                    connection.remoteAddress(), readingHead ? "head" : "body");
            body.timedOut = true;
            stopReading(Frames.H3_REQUEST_CANCELLED); // ends the read that waits
        }
        long since = writingSince;
        if (since == 0) {
            return;
        }
        long timeoutNanos = writeTimeoutNanos;
        if (now - since > timeoutNanos) {
            LOG.debug("HTTP/3 stream {} from {} took no response bytes for {} ms; resetting it", quic.getStreamId(),
                    connection.remoteAddress(), timeoutNanos / 1_000_000);
            resetStream(Frames.H3_REQUEST_CANCELLED);
        } else {
            KwikSendRescue.rescue(out);
        }
    }

    boolean isDone() {
        return done;
    }

    /** When the exchange ended; read after {@link #isDone()}. */
    long doneAt() {
        return doneAt;
    }

    void checkCurrent() throws IOException {
        if (done) {
            throw new IOException("the request this belongs to has ended");
        }
    }

    InputStream body() {
        return body;
    }

    /** The request body: the payload of the DATA frames, then the trailers, then the end of the stream. */
    private final class Body extends InputStream {
        private long frameLeft;
        private long received;
        boolean ended;
        RequestBodyException failure;
        boolean clientGone;
        /** Set by the watchdog before it aborts a read that waited past the body timeout. */
        volatile boolean timedOut;
        private byte[] one;

        @Override
        public int read() throws IOException {
            if (one == null) {
                one = new byte[1];
            }
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            checkCurrent();
            if (failure != null) {
                throw failure;
            }
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            // Until bytes come: the frame headers are waited for as much as the payload.
            readDeadline = (System.nanoTime() + connection.bodyTimeoutNanos) | 1;
            try {
                while (frameLeft == 0) {
                    if (!nextDataFrame()) {
                        ended = true;
                        checkLength();
                        return -1;
                    }
                }
                int n = in.read(b, off, (int) Math.min(len, frameLeft));
                if (n < 0) {
                    throw new EOFException("stream ended inside a DATA frame");
                }
                frameLeft -= n;
                received += n;
                long max = connection.context.limits().maxBodySize();
                if (received > max) {
                    throw fail(new RequestBodyException(Status.CONTENT_TOO_LARGE, "Request body larger than " + max + " bytes"));
                }
                if (request.contentLength >= 0 && received > request.contentLength) {
                    throw fail(new RequestBodyException(Status.BAD_REQUEST, "Request body longer than its content-length"));
                }
                return n;
            } catch (RequestBodyException e) {
                throw e;
            } catch (Http3Exception e) {
                connection.connectionError(e);
                throw fail(new RequestBodyException(Status.BAD_REQUEST, e.getMessage()));
            } catch (HttpException e) {
                throw fail(new RequestBodyException(e.status(), e.getMessage()));
            } catch (IOException e) {
                if (timedOut) {
                    Thread.interrupted(); // Kwik interrupts the reader it aborts: the 408 must still be written
                    throw fail(new RequestBodyException(Status.REQUEST_TIMEOUT, "Request body not received in time"));
                }
                // The client reset the stream or the connection went: an ordinary event.
                clientGone = true;
                connection.context.stats().resetReceived(3);
                throw fail(new RequestBodyException(Status.BAD_REQUEST, "Reading the request body failed: " + e, e));
            } finally {
                readDeadline = 0;
            }
        }

        /** Moves to the next DATA frame's payload; false at the end of the body (trailers read, if any). */
        private boolean nextDataFrame() throws IOException, Http3Exception, HttpException {
            while (true) {
                long type = in.varintOrEnd();
                if (type < 0) {
                    return false;
                }
                long length = in.varint();
                if (type == Frames.DATA) {
                    frameLeft = length;
                    return true;
                }
                if (type == Frames.HEADERS) {
                    int max = connection.context.limits().maxTrailerBytes();
                    if (length > max) {
                        throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Trailers too large");
                    }
                    byte[] block = new byte[(int) length];
                    in.readFully(block, 0, block.length);
                    FieldSection.toTrailers(FieldSection.decode(block, block.length, max,
                            connection.context.limits().maxHeaderCount()), request.trailers());
                    for (long next; (next = in.varintOrEnd()) >= 0; ) {
                        if (next == Frames.DATA || next == Frames.HEADERS) {
                            throw new Http3Exception(Frames.H3_FRAME_UNEXPECTED, "a frame after the trailers");
                        }
                        skipUnknown(next, in.varint());
                    }
                    return false;
                }
                skipUnknown(type, length);
            }
        }

        private void checkLength() throws RequestBodyException {
            if (request.contentLength >= 0 && received != request.contentLength) {
                throw fail(new RequestBodyException(Status.BAD_REQUEST, "Request body shorter than its content-length"));
            }
        }

        private RequestBodyException fail(RequestBodyException e) {
            failure = e;
            return e;
        }

        @Override
        public int available() {
            return 0;
        }

        /** As {@link InputStream#transferTo}, through a pooled buffer instead of a new 16 KiB one per call. */
        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            return connection.context.bufferPool().transfer(this, out);
        }
    }
}
