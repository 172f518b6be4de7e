package io.shockwave.http1.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A request body read from the connection's buffer and socket. Reading it is what
 * sends {@code 100 Continue} to a client that asked for one (RFC 9110 §10.1.1).
 */
abstract class RequestBody extends InputStream {
    final Http1Connection connection;
    final InputBuffer in;

    RequestBody(Http1Connection connection, InputBuffer in) {
        this.connection = connection;
        this.in = in;
    }

    /** Whether every byte of the body, and its framing, has been read. */
    abstract boolean isComplete();

    @Override
    public final int read() throws IOException {
        byte[] one = connection.oneByte();
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * Reads and discards what is left, up to {@code max} bytes; returns whether the body
     * is then complete, so the connection can serve the next request.
     */
    final boolean discardRest(long max) throws IOException {
        byte[] scratch = connection.scratch();
        long left = max;
        while (!isComplete() && left > 0) {
            int n = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                break;
            }
            left -= n;
        }
        return isComplete();
    }

    /** Copies up to {@code len} buffered bytes, filling the buffer first when it is empty. */
    final int readBuffered(byte[] dst, int off, int len) throws IOException {
        connection.beforeBodyRead();
        int available = in.available();
        if (available == 0) {
            try {
                if (len >= in.capacity() / 2) {
                    return in.readDirect(dst, off, len);
                }
                if (in.fill() < 0) {
                    return -1;
                }
            } catch (SocketTimeoutException e) {
                throw connection.bodyTimedOut();
            }
            available = in.available();
        }
        int n = Math.min(available, len);
        System.arraycopy(in.buf, in.pos, dst, off, n);
        in.pos += n;
        return n;
    }
}
