package io.shockwave.http1.internal;

import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.IOException;
import java.util.Arrays;

/** The connection's read buffer: unread bytes lie in {@code buf[pos, limit)}. */
final class InputBuffer {
    byte[] buf;
    int pos;
    int limit;
    private final int maxSize;
    private final ConnectionChannel channel;
    private final ServerStats stats;

    InputBuffer(ConnectionChannel channel, ServerStats stats, int initialSize, int maxSize) {
        this.channel = channel;
        this.stats = stats;
        this.buf = new byte[initialSize];
        this.maxSize = Math.max(initialSize, maxSize);
    }

    int available() {
        return limit - pos;
    }

    /**
     * Reads more bytes after {@code limit}, first making room by moving the unread bytes
     * to the front and, if the buffer is still full, growing it up to its maximum.
     * Returns the number read, or -1 at end of stream; throws if the buffer is at its
     * maximum and full.
     */
    int fill() throws IOException {
        if (limit == buf.length) {
            if (pos > 0) {
                compact();
            } else if (buf.length < maxSize) {
                buf = Arrays.copyOf(buf, Math.min(maxSize, buf.length * 2));
            } else {
                throw new IllegalStateException("read buffer full");
            }
        }
        int n = channel.read(buf, limit, buf.length - limit);
        if (n > 0) {
            limit += n;
            stats.bytesIn(n);
        }
        return n;
    }

    boolean isFull() {
        return pos == 0 && limit == buf.length && buf.length >= maxSize;
    }

    void compact() {
        int n = limit - pos;
        if (n > 0 && pos > 0) {
            System.arraycopy(buf, pos, buf, 0, n);
        }
        pos = 0;
        limit = n;
    }

    /** Reads straight into the caller's array, bypassing the buffer; for large body reads. */
    int readDirect(byte[] dst, int off, int len) throws IOException {
        int n = channel.read(dst, off, len);
        if (n > 0) {
            stats.bytesIn(n);
        }
        return n;
    }

    int capacity() {
        return buf.length;
    }
}
