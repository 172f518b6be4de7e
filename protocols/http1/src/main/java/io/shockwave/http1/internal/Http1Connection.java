package io.shockwave.http1.internal;

import io.shockwave.runtime.DataRate;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * The actor that owns one HTTP/1.x connection: on its virtual thread it reads a request
 * head, runs the handler, writes the response and loops while the connection stays
 * alive (RFC 9112 §9.3). Pipelined requests already in the buffer are served in order
 * without flushing in between, so their responses leave in as few writes as possible,
 * but never more than {@link #TURN} without waiting before the connection gives way to others.
 *
 * <p>A connection that ends after a response closes in stages (RFC 9112 §9.6): it
 * flushes, shuts its output down, and reads and drops what the client still sends for a
 * while before it closes, since closing with unread input would send a reset that can
 * destroy the response before the client has read it.
 */
public final class Http1Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Http1Connection.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Unread body bytes the server reads and drops to keep a connection alive; past this it closes. */
    private static final long MAX_DISCARD = 256 * 1024;
    /**
     * Requests served without the connection once waiting for input, before it gives way
     * to the others: a client whose input never runs dry must not keep fresh connections,
     * or the poller, from running (Netty reads at most 16 messages per turn, likewise).
     */
    static final int TURN = 16;
    /** What the connection does next: it is finished, a request is buffered, it suspended, or it closes in stages. */
    private static final int END = 0;
    private static final int READY = 1;
    private static final int SUSPENDED = 2;
    private static final int LAST = 3;
    private static final int HANDED_OVER = 4;
    /** How an exchange ended: the connection serves on, closes in stages, or closes now. */
    private static final int KEEP = 0;
    private static final int CLOSE_IN_STAGES = 1;
    private static final int GONE = 2;
    /** Another protocol took the connection over, and has finished with it or suspended it. */
    private static final int UPGRADED = 3;

    private final ConnectionChannel channel;
    /** Whether exchanges are timed and reported ({@link ServerContext#exchangeEnded}). */
    private final boolean observing;
    private final ServerContext context;
    private final ServerStats stats;
    private final Limits limits;
    private final int headTimeoutMillis;
    private final int idleTimeoutMillis;
    private final int bodyTimeoutMillis;
    private final int lingerMillis;
    private final InputBuffer in;
    private final OutputBuffer out;
    private final RequestParser parser;
    private final Http1Request request;
    private final Http1Response response;
    private final ContentLengthBody fixedBody;
    private final Runnable resumer = this::resume;
    /** When the connection was accepted: the first request's head timeout runs from there. */
    private final long openedAt = System.nanoTime();
    private ChunkedBody chunkedBody;
    private RequestBody body;
    private byte[] oneByte;
    private byte[] scratch;

    private long exchanges;
    /** Requests served since the connection last waited for input or gave way: bounded by {@link #TURN}. */
    private int servedWithoutWaiting;
    private boolean continuePending;
    private boolean broken;
    private int currentTimeout = -1;

    public Http1Connection(ConnectionChannel channel, ServerContext context) {
        this.channel = channel;
        this.observing = context.observesExchanges();
        this.context = context;
        this.stats = context.stats();
        this.limits = context.limits();
        Timeouts t = context.timeouts();
        this.headTimeoutMillis = (int) t.requestHead().toMillis();
        this.idleTimeoutMillis = (int) t.idle().toMillis();
        this.bodyTimeoutMillis = (int) t.bodyRead().toMillis();
        this.lingerMillis = (int) t.linger().toMillis();
        // Room for a whole head, and for a whole chunk-size or trailer line: each limit must be
        // met by its own check (400, 414, 431) before the buffer can run full.
        int maxBuffered = Math.max(limits.maxRequestLineLength() + limits.maxHeaderBytes(),
                Math.max(limits.maxTrailerBytes(), ChunkedBody.MAX_SIZE_LINE)) + 64;
        this.in = new InputBuffer(channel, stats, context.bufferPool(), maxBuffered);
        this.out = new OutputBuffer(channel, context.bufferPool());
        this.parser = new RequestParser(limits);
        this.request = new Http1Request(channel);
        this.response = new Http1Response(this, out, context.serverHeader(),
                channel.isSecure() ? context.altSvc() : null);
        this.fixedBody = new ContentLengthBody(this, in);
    }

    /** Serves requests until the client leaves, asks to close, misbehaves, the server stops or it suspends. */
    public void serve() {
        run(false);
    }

    /** Continues a connection that suspended while idle; on a new thread, once something woke it. */
    private void resume() {
        run(true);
    }

    private void run(boolean resumed) {
        int next = END;
        try {
            next = resumed ? readIdle(true) : awaitRequest(true);
            while (next == READY) {
                int outcome = exchange();
                request.endExchange();
                if (outcome == UPGRADED) {
                    next = HANDED_OVER;
                    break;
                }
                if (outcome != KEEP) {
                    next = outcome == CLOSE_IN_STAGES ? LAST : END;
                    break;
                }
                if (++servedWithoutWaiting >= TURN) {
                    giveWay();
                }
                next = awaitRequest(true);
            }
            if (next == LAST) {
                closeInStages();
            } else if (next == END) {
                out.flush();
            }
        } catch (IOException e) {
            next = END;
            LOG.debug("Connection from {} ended: {}", channel.remoteAddress(), e.toString());
        } catch (RuntimeException e) {
            next = END;
            stats.error();
            LOG.warn("Connection from {} failed", channel.remoteAddress(), e);
        } finally {
            if (next != SUSPENDED && next != HANDED_OVER) {
                channel.close();
                out.release();
                in.release();
            }
        }
    }

    /**
     * Lets the other connections, new ones and the poller have a carrier; the responses so
     * far leave first. Not {@link Thread#yield}: a virtual thread that yields while its
     * carrier's local queue holds other tasks goes back onto that queue, and a carrier runs
     * local tasks for as long as there are any, so two connections that never wait would
     * take turns on it for ever while tasks submitted from outside (new connections, wake-ups
     * from the poller's watching thread) never run. A timed park is ended by the JDK's timer
     * thread, from outside: the connection then queues behind them.
     */
    private void giveWay() throws IOException {
        servedWithoutWaiting = 0;
        out.flush();
        if (Thread.currentThread().isVirtual()) {
            LockSupport.parkNanos(1);
        }
    }

    /** RFC 9112 §9.6: the last response leaves, then the channel closes in stages. */
    private void closeInStages() throws IOException {
        out.flush();
        in.release();
        currentTimeout = lingerMillis;
        channel.closeInStages(lingerMillis, scratch());
    }

    /**
     * Reads one request, lets the handler answer it and completes the response. Returns
     * whether the connection can carry another request.
     */
    public boolean serveNext() throws IOException {
        return exchange() == KEEP;
    }

    /** One exchange: {@link #KEEP}, {@link #CLOSE_IN_STAGES} or {@link #GONE}. */
    private int exchange() throws IOException {
        int headEnd;
        try {
            headEnd = readHead();
        } catch (BadRequest e) {
            reject(e.status(), e.getMessage());
            return CLOSE_IN_STAGES;
        }
        if (headEnd < 0) {
            return GONE;
        }
        in.pos = headEnd;
        exchanges++;
        stats.request();
        broken = false;
        continuePending = false;
        boolean http10 = request.minorVersion() == 0;
        response.reset(request.method() == Method.HEAD, http10, request.keepAlive());
        long start = observing ? System.nanoTime() : 0;

        long length = request.declaredContentLength();
        if (request.isChunked()) {
            if (chunkedBody == null) {
                chunkedBody = new ChunkedBody(this, in, limits.maxBodySize(), limits.maxTrailerBytes());
            }
            body = chunkedBody.reset(request.trailers());
        } else if (length > 0) {
            if (length > limits.maxBodySize()) {
                reject(Status.CONTENT_TOO_LARGE, "Request body too large");
                observe(start, false);
                return CLOSE_IN_STAGES;
            }
            body = fixedBody.reset(length);
        } else {
            body = fixedBody.reset(0);
        }
        request.body(body);
        if (request.wantsUpgrade() && body.isComplete() && !http10) {
            for (ProtocolProvider p : context.protocols()) {
                String token = p.upgradeToken(request);
                if (token != null) {
                    upgrade(p, token);
                    return UPGRADED;
                }
            }
        }
        continuePending = request.expectsContinue() && !http10 && !body.isComplete();
        timeout(bodyTimeoutMillis);
        channel.minReadRate(body.isComplete() ? DataRate.NONE : limits.minRequestBodyRate());

        Throwable failure = null;
        try {
            context.handler().handle(request, response);
        } catch (Throwable t) {
            failure = t;
        }
        channel.minReadRate(DataRate.NONE);
        if (body.failure() != null) {
            // Why the exchange failed, whatever the handler made of it (swallowed, wrapped, ignored).
            failure = body.failure();
        }
        if (failure == null) {
            try {
                response.finish();
            } catch (Throwable t) {
                failure = t;
            }
        }
        if (failure != null) {
            int outcome = handleFailure(failure);
            if (outcome != KEEP) {
                observe(start, outcome == GONE);
                return outcome;
            }
        }
        observe(start, false);

        if (!body.isComplete()) {
            // Answered without reading the whole body. The response leaves first: a client
            // may wait for it before sending the rest, and the rest may never come. Then
            // drop the rest if it is small and the client was not waiting for 100 Continue,
            // else close (RFC 9110 §10.1.1).
            out.flush();
            if (continuePending || broken || !discardRest(body)) {
                return CLOSE_IN_STAGES;
            }
        }
        return response.keepsAlive() && !broken ? KEEP : CLOSE_IN_STAGES;
    }

    /**
     * RFC 9110 §7.8: the request asked to switch protocols, and one takes the connection.
     * The 101 leaves, what the client sent after the request is handed back to the
     * channel, and the new protocol serves from here on, answering this request first.
     */
    private void upgrade(ProtocolProvider protocol, String token) throws IOException {
        byte[] switching = ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(switching);
        out.flush();
        int rest = in.available();
        if (rest > 0) {
            channel.unread(java.util.Arrays.copyOfRange(in.buf, in.pos, in.limit), rest);
        }
        in.pos = in.limit;
        out.release();
        in.release();
        protocol.serveUpgrade(channel, context, request);
    }

    /** Whether the unread rest of a body could be dropped; a stalled or malformed rest just ends the connection. */
    private static boolean discardRest(RequestBody body) {
        return body.discardRest(MAX_DISCARD);
    }

    /**
     * The exchange failed: the handler threw, the request body failed, or the handler broke
     * the response's framing. Returns how the connection goes on. While nothing of the
     * response has reached the socket it is discarded and the error handler answers;
     * after, the response is aborted, so that the client sees it incomplete: the buffered
     * rest is dropped and the connection closed before the last chunk or the declared
     * length, or reset where closing would end a close-delimited body.
     */
    private int handleFailure(Throwable failure) throws IOException {
        if (failure instanceof Error e && !(failure instanceof StackOverflowError)) {
            throw e;
        }
        if (out.failed()) {
            // The client went away while we wrote the response: there is no one to answer.
            throw failure instanceof IOException io ? io : new IOException(failure);
        }
        if (body.failure() == null || !body.clientLeft()) {
            stats.error(); // a client that leaves is not an error of anyone's
        }
        if (response.reachedClient()) {
            if (failure instanceof HttpException || failure instanceof RequestBodyException) {
                LOG.debug("{} after the response started; aborting it on {}", failure.getMessage(), channel.remoteAddress());
            } else {
                LOG.warn("Handler failed on {} {} after the response started; aborting it",
                        request.method(), request.rawPath(), failure);
            }
            out.discardBuffered();
            if (response.isCloseDelimited()) {
                channel.abort(); // a reset, not a FIN: a FIN would end the body as if it were whole
            }
            return GONE;
        }
        response.resetForError();
        try {
            context.errorHandler().handle(request, response, failure);
            response.finish();
        } catch (Throwable second) {
            LOG.warn("Error handler failed", second);
            if (response.reachedClient()) {
                out.discardBuffered();
                return GONE;
            }
            response.resetForError();
            reject(Status.INTERNAL_SERVER_ERROR, Status.INTERNAL_SERVER_ERROR.reason());
            return CLOSE_IN_STAGES;
        }
        return KEEP;
    }

    /**
     * Waits, idle, for the first bytes of the next request unless some are buffered
     * already: {@link #END} when the client closed or stayed idle too long, {@link #LAST}
     * when the server asked the connection to close. Called from the top of the loop, so a
     * parked connection's stack is shallow.
     */
    private int awaitRequest(boolean maySuspend) throws IOException {
        if (in.available() > 0) {
            return READY;
        }
        // Start the next read at the front: a head read into the buffer's tail would be
        // split across two reads whenever it crossed the end.
        in.pos = 0;
        in.limit = 0;
        out.flush();
        // An idle connection holds no I/O buffer: idle keep-alive connections are cheap.
        // Where the transport can suspend, the input array is kept until the read finds
        // nothing (see readIdle), so a request already waiting costs no trip to the pool.
        out.release();
        if (!channel.canSuspend()) {
            in.release();
        }
        // A new connection gets the head timeout from its accept: one that sends nothing is
        // not held for the whole keep-alive timeout.
        timeout(exchanges == 0 ? headTimeoutMillis : idleTimeoutMillis);
        if (!channel.beginIdle()) {
            return channel.isOpen() ? LAST : END;
        }
        // Let the other runnable connections answer first: by the time this one reads,
        // its client has usually sent the next request, so the read finds it instead of
        // finding nothing and waiting for the poller. Under load this takes a keep-alive
        // request from 1.25 reads and a wait to one read; alone it costs one pass through
        // the scheduler. On a platform thread (tests, benchmarks) it would be a sched_yield
        // call: skipped.
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
        }
        return readIdle(maySuspend);
    }

    /**
     * The idle read. Where the transport can suspend, a connection that finds nothing
     * waits parked without its input buffer, and once it has been idle a while gives its
     * thread back: it suspends, and a new thread resumes it when something wakes it.
     */
    private int readIdle(boolean maySuspend) throws IOException {
        boolean suspends = maySuspend && channel.canSuspend();
        int n;
        try {
            n = suspends ? in.fillAvailable() : in.fill();
            while (n == 0) {
                servedWithoutWaiting = 0; // it waits: the others get their turn meanwhile
                in.release();
                ConnectionChannel.IdleWake wake = channel.awaitReadable();
                if (wake == ConnectionChannel.IdleWake.SUSPEND) {
                    channel.suspend(resumer);
                    return SUSPENDED;
                }
                n = in.fillAvailable();
                if (n == 0 && wake == ConnectionChannel.IdleWake.CLOSE) {
                    return channel.isOpen() ? LAST : END;
                }
            }
        } catch (SocketTimeoutException e) {
            return END;
        } catch (IOException e) {
            if (!channel.isOpen()) {
                return END; // closed by a stopping server
            }
            throw e;
        }
        if (n < 0) {
            return END;
        }
        // False when the server asked to close meanwhile: what was read is still answered, as the last.
        channel.beginExchange();
        return READY;
    }

    /**
     * Reads until a whole request head is buffered; returns its end, or -1 when the client
     * closed or stayed idle too long between requests.
     */
    private int readHead() throws IOException, BadRequest {
        // Called alone (tests, benchmarks), it waits on its own thread rather than suspend.
        if (in.available() == 0 && awaitRequest(false) != READY) {
            return -1;
        }
        int result = parser.parse(in.buf, in.pos, in.limit, request);
        if (result >= 0) {
            return result;
        }
        // Slow path: the head arrives in pieces. Parse again only once its end is in the
        // buffer (or the buffer is at a size limit), so a client that trickles bytes cannot
        // make the server re-parse the same bytes over and over. The first request's time
        // runs from the accept.
        long deadline = (exchanges == 0 ? openedAt : System.nanoTime()) + headTimeoutMillis * 1_000_000L;
        int scanned = in.pos;
        // Once this much has come without a blank line, a target still unfinished after a known
        // method and its space is over the limit: parse once more so it gets its 414.
        int requestLineCrossing = in.pos + limits.maxRequestLineLength() + 16;
        out.flush();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw BadRequest.HEAD_TIMEOUT;
            }
            timeout((int) Math.max(1, left));
            if (in.isFull()) {
                throw BadRequest.HEADERS_TOO_LARGE;
            }
            int before = in.pos;
            int n;
            try {
                n = in.fill();
            } catch (SocketTimeoutException e) {
                throw BadRequest.HEAD_TIMEOUT;
            }
            if (n < 0) {
                return -1; // the client went away mid-request
            }
            int shift = before - in.pos;
            scanned -= shift;
            requestLineCrossing -= shift;
            int from = Math.max(in.pos, scanned - 3);
            scanned = in.limit;
            if (containsBlankLine(in.buf, from, in.limit) || in.limit >= requestLineCrossing) {
                requestLineCrossing = Integer.MAX_VALUE;
                result = parser.parse(in.buf, in.pos, in.limit, request);
                if (result >= 0) {
                    return result;
                }
            }
        }
    }

    private static boolean containsBlankLine(byte[] buf, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return true;
            }
        }
        return false;
    }

    /** Answers a request the server refuses before (or instead of) a handler, and ends the connection. */
    private void reject(Status status, String message) throws IOException {
        stats.error();
        LOG.debug("Rejecting request from {}: {} {}", channel.remoteAddress(), status.code(), message);
        // The response writer frames it like any other; keep-alive off makes it say close.
        response.reset(false, false, false);
        response.status(status).contentType("text/plain");
        try {
            response.send(message);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
    }

    private void timeout(int millis) throws IOException {
        if (millis != currentTimeout) {
            channel.readTimeout(millis);
            currentTimeout = millis;
        }
    }

    /** Sends {@code 100 Continue} before the first body read, if the client asked for it. */
    void beforeBodyRead() throws IOException {
        if (continuePending) {
            continuePending = false;
            if (!response.isCommitted()) {
                out.write(CONTINUE);
                out.flush();
            }
        }
    }

    /** The request's framing can no longer be trusted: close after this exchange. */
    void markBroken() {
        broken = true;
    }

    /** Reports the exchange to the server's observers, if it has any. */
    private void observe(long start, boolean aborted) {
        if (observing) {
            context.exchangeEnded(request, response.status(), response.bodyBytes(), start, aborted);
        }
    }

    /** Whether the channel sends files by itself ({@code sendfile(2)}). */
    boolean canSendFile() {
        return channel.canSendFile();
    }

    /** Whether the exchange in progress has already failed, whatever the handler does next. */
    boolean exchangeFailed() {
        return body != null && body.failure() != null;
    }

    /**
     * Whether the response being committed must say {@code Connection: close}. A response
     * committed while the client still waits for 100 Continue ends a connection that
     * {@link #exchange} will close, and RFC 9110 §10.1.1 asks the server to say so: the
     * client may or may not send the body it announced. A connection asked to close
     * gracefully says so on the last response to what it has already read.
     */
    boolean mustClose() {
        return broken || continuePending || (channel.isClosing() && (body == null || !body.requestFollows()));
    }

    ServerStats stats() {
        return stats;
    }

    /** A one-byte array for single-byte reads and writes, made on first use. */
    byte[] oneByte() {
        if (oneByte == null) {
            oneByte = new byte[1];
        }
        return oneByte;
    }

    /** Where a request body's {@code transferTo} borrows its buffer. */
    io.shockwave.runtime.spi.BufferPool bufferPool() {
        return context.bufferPool();
    }

    byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[8192];
        }
        return scratch;
    }
}
