package io.shockwave.http2.internal;

import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/**
 * One request stream (RFC 9113 §5.1) and the actor that serves it: its handler runs on
 * its own virtual thread ({@link #run}), so a handler that blocks holds up only its own
 * stream.
 *
 * <p>A server stream goes through these states; the reader thread moves the receiving
 * half, the {@link FrameWriter} the sending half, and a reset ends both:
 * <pre>
 *                 HEADERS              END_STREAM received
 *      idle ───────────────► open ─────────────────────────► half-closed (remote)
 *                              │                                   │
 *                              │ END_STREAM sent                   │ END_STREAM sent
 *                              ▼                                   ▼
 *                      half-closed (local) ──END_STREAM received──► closed
 *         RST_STREAM sent or received: closed from any state
 * </pre>
 * The request body arrives in DATA frames that the reader appends to {@link #in}; the
 * handler takes them through {@link Body}, and the credit it frees is returned to the
 * client in WINDOW_UPDATE frames as it reads, so a slow handler slows only its own stream.
 */
final class Http2Stream implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Stream.class);

    final Http2Connection connection;
    final FrameWriter writer;
    final ServerContext context;
    /** Set by {@link #open}: a stream object serves one stream after another on its connection. */
    int id;
    /**
     * Which of those streams it serves now: the body and output a handler was given check it,
     * so one kept past its handler's return fails instead of touching a later stream.
     */
    volatile int generation;
    final Http2Request request;
    final Http2Response response;

    // ---- receiving: the reader appends, the handler takes; guarded by this ----
    private byte[] in;
    private int inStart;
    private int inEnd;
    private boolean inEnded;
    private RequestBodyException inFailure;
    private boolean clientLeft;
    private long received;
    /** What the client may still send before it must wait for WINDOW_UPDATE. */
    private int recvWindow;
    /** Bytes the handler has taken since the last WINDOW_UPDATE. */
    private int consumed;
    private boolean continuePending;
    /** Set by the reader only: the client sent END_STREAM or reset the stream. */
    volatile boolean remoteClosed;

    // ---- sending: guarded by the writer's lock (see FrameWriter) ----
    byte[] out;
    int outStart;
    int outEnd;
    int sendWindow;
    boolean headersQueued;
    boolean headersSent;
    boolean interimQueued;
    boolean endQueued;
    boolean endSent;
    int resetCode = -1;
    boolean resetSent;
    boolean handlerDone;
    boolean finished;
    /** The reader has let go of it too: with {@link #handlerDone}, the object may serve the next stream. */
    boolean forgotten;
    /** This side sent RST_STREAM: frames the client had in flight are ignored, not errors. */
    boolean serverReset;
    /** When the writer last sent this stream's DATA, or it last had something to send after nothing. */
    long lastProgress;
    Thread waiter;
    Http2Stream nextReady;
    boolean queued;
    int urgency = Priority.DEFAULT_URGENCY;
    boolean incremental;

    /** Answer with this instead of running the handler: a refused header block (431, 501). */
    Status refusal;

    Http2Stream(Http2Connection connection) {
        this.connection = connection;
        this.writer = connection.writer;
        this.context = connection.context;
        this.request = new Http2Request(connection.channel);
        this.response = new Http2Response(this);
        this.request.body(this::body);
    }

    /**
     * Readies the object for stream {@code id}, fresh or after an earlier stream: its
     * arrays are kept, so a steady connection's streams allocate nothing. Only once both
     * the reader and the writer are done with the earlier stream (see Http2Connection).
     */
    void open(int id, int recvWindow, int sendWindow) {
        this.id = id;
        generation++;
        synchronized (this) {
            this.recvWindow = recvWindow;
            inStart = 0;
            inEnd = 0;
            inEnded = false;
            inFailure = null;
            clientLeft = false;
            received = 0;
            consumed = 0;
            bodyWaitedNanos = 0;
        }
        continuePending = false;
        remoteClosed = false;
        synchronized (writer) {
            writer.unqueue(this); // defensive: an ended stream is never queued, but a stale link would cut the queue
            this.sendWindow = sendWindow;
            outStart = 0;
            outEnd = 0;
            headersQueued = false;
            headersSent = false;
            interimQueued = false;
            endQueued = false;
            endSent = false;
            resetCode = -1;
            resetSent = false;
            handlerDone = false;
            finished = false;
            forgotten = false;
            serverReset = false;
            lastProgress = 0;
            waiter = null;
            nextReady = null;
            queued = false;
            urgency = Priority.DEFAULT_URGENCY;
            incremental = false;
        }
        refusal = null;
        response.reset();
    }

    // ---- the handler's thread --------------------------------------------------------

    @Override
    public void run() {
        context.stats().streamStarted(2);
        try {
            exchange();
        } finally {
            context.stats().streamEnded(2);
        }
    }

    private void exchange() {
        Throwable failure = null;
        long start = context.observesExchanges() ? System.nanoTime() : 0;
        try {
            if (refusal != null) {
                throw new HttpException(refusal);
            }
            continuePending = request.headers.containsToken(io.shockwave.runtime.HeaderName.EXPECT, "100-continue");
            context.handler().handle(request, response);
        } catch (Throwable t) {
            failure = t;
        }
        RequestBodyException bodyFailure = bodyFailure();
        if (bodyFailure != null) {
            failure = bodyFailure; // why the exchange failed, whatever the handler made of it
        }
        if (failure == null) {
            try {
                response.finish();
            } catch (Throwable t) {
                failure = t;
            }
        }
        boolean aborted = failure != null && !fail(failure);
        if (start != 0) {
            context.exchangeEnded(request, response.status(), response.bodyBytes(response.isHead()), start, aborted);
        }
        request.endExchange();
        writer.handlerDone(this);
    }

    /**
     * The exchange failed. While the response is not committed, the error handler answers
     * instead; after, the stream is reset so that the client never takes it for complete.
     * Returns whether the error handler answered.
     */
    private boolean fail(Throwable failure) {
        if (failure instanceof Error e && !(failure instanceof StackOverflowError)) {
            writer.reset(this, Frames.INTERNAL_ERROR);
            throw e;
        }
        boolean clientCaused = failure instanceof HttpException || failure instanceof RequestBodyException;
        if (!clientCaused || !isClientGone()) {
            context.stats().error();
        }
        if (isClientGone()) {
            writer.reset(this, Frames.CANCEL);
            return false;
        }
        if (writer.isReset(this)) {
            // A stream error already reset it: that is the answer, there is no response to send.
            LOG.debug("Stream {} failed after it was reset: {}", id, failure.toString());
            return false;
        }
        if (response.isCommitted()) {
            if (clientCaused) {
                LOG.debug("{} on stream {} after the response started; resetting it", failure.getMessage(), id);
            } else {
                LOG.warn("Handler failed on {} {} after the response started; resetting the stream",
                        request.method(), request.rawPath(), failure);
            }
            writer.reset(this, Frames.INTERNAL_ERROR);
            return false;
        }
        response.resetForError();
        try {
            context.errorHandler().handle(request, response, failure);
            response.finish();
            return true;
        } catch (Throwable second) {
            LOG.warn("Error handler failed", second);
            writer.reset(this, Frames.INTERNAL_ERROR);
            return false;
        }
    }

    private synchronized RequestBodyException bodyFailure() {
        return inFailure;
    }

    private synchronized boolean isClientGone() {
        return clientLeft;
    }

    synchronized boolean isBodyComplete() {
        return inEnded && inStart == inEnd;
    }

    // ---- the reader's thread ---------------------------------------------------------

    /**
     * DATA for this stream: {@code length} counts against the window, of which
     * {@code payload[off, +dataLength)} is data and the rest padding. Returns a stream
     * error to send, or null.
     */
    synchronized Http2Exception data(byte[] payload, int off, int dataLength, int length, boolean endStream) {
        if (length > recvWindow) {
            fail(new RequestBodyException(Status.BAD_REQUEST, "Request body beyond the flow-control window"), false);
            return Http2Exception.stream(Frames.FLOW_CONTROL_ERROR, "DATA beyond the stream's window");
        }
        recvWindow -= length;
        consumed += length - dataLength; // padding is consumed on arrival
        received += dataLength;
        long declared = request.contentLength;
        if (declared >= 0 && (received > declared || (endStream && received != declared))) {
            fail(new RequestBodyException(Status.BAD_REQUEST, "Request body does not match its content-length"), false);
            return Http2Exception.stream(Frames.PROTOCOL_ERROR, "DATA does not match content-length");
        }
        if (received > context.limits().maxBodySize() && inFailure == null) {
            fail(new RequestBodyException(Status.CONTENT_TOO_LARGE, "Request body too large"), false);
        }
        if (inFailure == null && dataLength > 0) {
            append(payload, off, dataLength);
        } else {
            consumed += dataLength;
        }
        if (endStream) {
            inEnded = true;
        }
        notifyAll();
        if (!inEnded && inFailure == null && length > dataLength) {
            int credit = takeCredit(); // padding is credit the handler will never free
            if (credit > 0) {
                writer.windowUpdate(id, credit);
            }
        }
        return null;
    }

    private void append(byte[] src, int off, int len) {
        if (in == null) {
            in = new byte[Math.max(len, Math.min(16_384, recvWindow + len))];
        }
        if (in.length - inEnd < len) {
            System.arraycopy(in, inStart, in, 0, inEnd - inStart);
            inEnd -= inStart;
            inStart = 0;
            if (in.length - inEnd < len) {
                in = java.util.Arrays.copyOf(in, Math.max(in.length * 2, inEnd + len));
            }
        }
        System.arraycopy(src, off, in, inEnd, len);
        inEnd += len;
    }

    /** A header block without END_STREAM left the body open; END_STREAM on the request's HEADERS closes it. */
    synchronized void endOfRequest() {
        inEnded = true;
        if (request.contentLength >= 0 && received != request.contentLength) {
            fail(new RequestBodyException(Status.BAD_REQUEST, "Request body does not match its content-length"), false);
        }
        notifyAll();
    }

    /** The body failed: every later read throws {@code failure}. */
    synchronized void fail(RequestBodyException failure, boolean clientLeft) {
        if (inFailure == null) {
            inFailure = failure;
        }
        this.clientLeft |= clientLeft;
        notifyAll();
    }

    /** The client reset the stream (RST_STREAM), or the connection ended under it. */
    void abandoned(boolean connectionLost) {
        fail(new RequestBodyException(Status.BAD_REQUEST,
                connectionLost ? "The connection was lost" : "The client reset the stream"), true);
    }

    /** The credit the handler has freed, once it is worth a WINDOW_UPDATE; 0 otherwise. */
    private int takeCredit() {
        int threshold = connection.streamWindow / 2;
        if (consumed < threshold || inEnded || inFailure != null) {
            return 0;
        }
        int credit = consumed;
        consumed = 0;
        recvWindow += credit;
        return credit;
    }

    private Body body;

    /** The request body for the stream served now; a stream's handler gets one object, however often it asks. */
    InputStream body() {
        Body b = body;
        if (b == null || b.generation != generation) {
            b = new Body(generation);
            body = b;
        }
        return b;
    }

    /** The request body as the handler reads it. */
    private final class Body extends InputStream {
        private final int generation;

        Body(int generation) {
            this.generation = generation;
        }

        private void checkCurrent() throws IOException {
            if (generation != Http2Stream.this.generation) {
                throw new IOException("the request this body belongs to has ended");
            }
        }

        private byte[] one;

        @Override
        public int read() throws IOException {
            if (one == null) {
                one = new byte[1];
            }
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        /** As {@link InputStream#transferTo}, through a pooled buffer instead of a new 16 KiB one per call. */
        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            return context.bufferPool().transfer(this, out);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            checkCurrent();
            if (len == 0) {
                return 0;
            }
            sendContinueIfAsked();
            int n;
            int credit;
            synchronized (Http2Stream.this) {
                long deadline = 0;
                long waitStart = 0;
                while (inStart == inEnd) {
                    if (inFailure != null) {
                        throw inFailure;
                    }
                    if (inEnded) {
                        return -1;
                    }
                    long now = System.nanoTime();
                    if (waitStart != 0) {
                        bodyWaitedNanos += now - waitStart;
                        waitStart = 0;
                        checkBodyRate();
                    }
                    if (deadline == 0) {
                        deadline = now + connection.bodyTimeoutNanos;
                    } else if (now - deadline >= 0) {
                        fail(new RequestBodyException(Status.REQUEST_TIMEOUT, "Request body timed out"), false);
                        throw inFailure;
                    }
                    waitStart = now;
                    try {
                        Http2Stream.this.wait(Math.max(1, (deadline - now) / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while reading the request body");
                    }
                }
                if (waitStart != 0) {
                    bodyWaitedNanos += System.nanoTime() - waitStart;
                    checkBodyRate();
                }
                n = Math.min(len, inEnd - inStart);
                System.arraycopy(in, inStart, b, off, n);
                inStart += n;
                if (inStart == inEnd) {
                    inStart = 0;
                    inEnd = 0;
                }
                consumed += n;
                credit = takeCredit();
            }
            if (credit > 0) {
                writer.windowUpdate(id, credit);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            checkCurrent();
            synchronized (Http2Stream.this) {
                return inEnd - inStart;
            }
        }
    }

    /** The time the handler has waited for this stream's body, for its minimum rate. */
    private long bodyWaitedNanos;

    /**
     * The request body's minimum rate ({@link io.shockwave.runtime.Limits#minRequestBodyRate}):
     * bytes received against the time the handler waited for them, once the grace passed. A
     * client that drips a byte now and then, just inside the body timeout, fails with 408.
     */
    private void checkBodyRate() throws RequestBodyException {
        io.shockwave.runtime.DataRate rate = context.limits().minRequestBodyRate();
        if (rate.isEnabled() && bodyWaitedNanos > rate.grace().toNanos()
                && received * 1_000_000_000.0 < (double) rate.bytesPerSecond() * bodyWaitedNanos) {
            fail(new RequestBodyException(Status.REQUEST_TIMEOUT, "Request body slower than "
                    + rate.bytesPerSecond() + " bytes/s"), false);
            throw inFailure;
        }
    }

    /** RFC 9110 §10.1.1: a client that sent {@code expect: 100-continue} waits for this before the body. */
    private void sendContinueIfAsked() {
        if (continuePending) {
            continuePending = false;
            if (!response.isCommitted() && !isBodyComplete()) {
                writer.interim(this);
            }
        }
    }
}
