package io.shockwave.http1.internal;

import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.spi.BufferPool;
import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.IOException;
import java.util.Arrays;

/**
 * The connection's read buffer: unread bytes lie in {@code buf[pos, limit)}. Where the
 * transport can suspend an idle connection, it holds no array while idle and borrows a
 * pooled one for each busy spell. Elsewhere an idle connection waits in a blocking read
 * with a small array of its own, and a request that does not fit borrows a pooled one;
 * either is given back when the connection is idle again.
 */
final class InputBuffer {
    /**
     * Held by every idle connection where the transport cannot suspend, so small, yet
     * enough for most request heads (a browser's is 400 to 800 bytes) and for a load
     * tool's batch of sixteen pipelined GETs.
     */
    static final int IDLE_SIZE = 1024;
    private static final byte[] NONE = new byte[0];

    byte[] buf = NONE;
    int pos;
    int limit;
    /** Made on first use, and only where the transport cannot suspend. */
    private byte[] small;
    private final int maxSize;
    private final ConnectionChannel channel;
    private final ServerStats stats;
    private final BufferPool pool;

    InputBuffer(ConnectionChannel channel, ServerStats stats, BufferPool pool, int maxSize) {
        this.channel = channel;
        this.stats = stats;
        this.pool = pool;
        this.maxSize = maxSize;
    }

    int available() {
        return limit - pos;
    }

    /**
     * Reads more bytes after {@code limit}, first making room by moving the unread bytes
     * to the front and, if the buffer is still full, moving to a larger one up to the
     * maximum. Returns the number read, or -1 at end of stream.
     */
    int fill() throws IOException {
        makeRoom();
        return counted(channel.read(buf, limit, buf.length - limit));
    }

    /** Like {@link #fill}, but without waiting: 0 when nothing has arrived. */
    int fillAvailable() throws IOException {
        makeRoom();
        return counted(channel.readAvailable(buf, limit, buf.length - limit));
    }

    private int counted(int n) {
        if (n > 0) {
            limit += n;
            stats.bytesIn(n);
        }
        return n;
    }

    private void makeRoom() {
        if (limit < buf.length) {
            return;
        }
        if (buf == NONE) {
            buf = first();
        } else if (buf == small && buf.length < maxSize) {
            grow(); // a full small array means more is coming: read it in large pieces
        } else if (pos > 0) {
            compact();
        } else if (buf.length < maxSize) {
            grow();
        } else {
            throw new IllegalStateException("read buffer full");
        }
    }

    private byte[] first() {
        if (!channel.canSuspend()) {
            if (small == null) {
                small = new byte[Math.min(IDLE_SIZE, maxSize)];
            }
            return small;
        }
        return usePool() ? pool.acquire() : new byte[Math.min(IDLE_SIZE, maxSize)];
    }

    private boolean usePool() {
        return pool.bufferSize() <= maxSize;
    }

    private void grow() {
        byte[] larger;
        if (buf == small && pool.bufferSize() > buf.length && usePool()) {
            larger = pool.acquire();
        } else {
            larger = new byte[Math.min(maxSize, buf.length * 2)];
        }
        int unread = limit - pos;
        System.arraycopy(buf, pos, larger, 0, unread);
        replace(larger);
        pos = 0;
        limit = unread;
    }

    private void replace(byte[] next) {
        if (buf != small) {
            pool.release(buf); // ignores arrays of other sizes
        }
        buf = next;
    }

    /** Gives a borrowed array back, keeping only the small one if any; only when nothing is buffered. */
    void release() {
        if (pos == limit && buf != NONE && buf != small) {
            replace(small == null ? NONE : small);
            pos = 0;
            limit = 0;
        }
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
