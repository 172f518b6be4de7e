package io.shockwave.http1.internal;

import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.Status;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * A request body read from the connection's buffer and socket. Reading it is what
 * sends {@code 100 Continue} to a client that asked for one (RFC 9110 §10.1.1).
 *
 * <p>A failure is latched: the first read that fails records a
 * {@link RequestBodyException}, and it and every later read throw it, so that neither
 * the handler nor the engine can mistake a failed body for one that simply ended.
 */
abstract class RequestBody extends InputStream {
    static final RequestBodyException TIMED_OUT =
            new RequestBodyException(Status.REQUEST_TIMEOUT, "Request body not received in time");
    static final RequestBodyException INCOMPLETE =
            new RequestBodyException(Status.BAD_REQUEST, "The connection ended inside the request body");

    final Http1Connection connection;
    final InputBuffer in;
    private RequestBodyException failure;

    RequestBody(Http1Connection connection, InputBuffer in) {
        this.connection = connection;
        this.in = in;
    }

    /** Starts a new body: no failure yet. */
    final void clearFailure() {
        failure = null;
    }

    /** Reads body bytes; throws a {@link RequestBodyException} for a malformed or oversized body. */
    abstract int readBody(byte[] b, int off, int len) throws IOException;

    /** Whether every byte of the body, and its framing, has been read without error. */
    abstract boolean isComplete();

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        try {
            return readBody(b, off, len);
        } catch (RequestBodyException e) {
            throw fail(e);
        } catch (SocketTimeoutException e) {
            throw fail(TIMED_OUT);
        } catch (IOException e) {
            // The client reset or the socket failed: an ordinary event, reported by status.
            throw fail(new RequestBodyException(Status.BAD_REQUEST, "Reading the request body failed: " + e, e));
        }
    }

    /** Whether the body failed because the client left (closed or reset mid-body), not because it erred. */
    final boolean clientLeft() {
        return failure == INCOMPLETE || (failure != null && failure.getCause() != null);
    }

    @Override
    public final int read() throws IOException {
        byte[] one = connection.oneByte();
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    /** As {@link InputStream#transferTo}, through a pooled buffer instead of a new 16 KiB one per call. */
    @Override
    public final long transferTo(java.io.OutputStream out) throws IOException {
        return connection.bufferPool().transfer(this, out);
    }

    /** The failure that ended this body, or null while it has not failed. */
    final RequestBodyException failure() {
        return failure;
    }

    private RequestBodyException fail(RequestBodyException e) {
        failure = e;
        connection.markBroken(); // the framing of what follows can no longer be trusted
        return e;
    }

    /**
     * Reads and discards what is left, up to {@code max} bytes; returns whether the body
     * is then complete, so the connection can serve the next request.
     */
    final boolean discardRest(long max) {
        byte[] scratch = connection.scratch();
        long left = max;
        try {
            while (!isComplete() && left > 0) {
                int n = read(scratch, 0, (int) Math.min(scratch.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException e) {
            return false;
        }
        return isComplete();
    }

    /**
     * Copies up to {@code len} buffered bytes, filling the buffer first when it is empty;
     * throws {@link #INCOMPLETE} if the connection ends first.
     */
    final int readBuffered(byte[] dst, int off, int len) throws IOException {
        connection.beforeBodyRead();
        int available = in.available();
        if (available == 0) {
            if (len >= in.capacity() / 2) {
                int n = in.readDirect(dst, off, len);
                if (n < 0) {
                    throw INCOMPLETE;
                }
                return n;
            }
            if (in.fill() < 0) {
                throw INCOMPLETE;
            }
            available = in.available();
        }
        int n = Math.min(available, len);
        System.arraycopy(in.buf, in.pos, dst, off, n);
        in.pos += n;
        return n;
    }

    @Override
    public int available() {
        return failure != null ? 0 : bufferedBodyBytes();
    }

    /** Body bytes that can be read without blocking. */
    abstract int bufferedBodyBytes();

    /** Whether bytes after this body, the start of another request, are already buffered. */
    abstract boolean requestFollows();
}
