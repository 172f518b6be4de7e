package io.shockwave.runtime.spi;

/**
 * Byte arrays of one size, lent to connections while they have an exchange in progress
 * and taken back when they go idle, so that a parked keep-alive connection holds no
 * I/O buffer. Bounded: past {@code capacity} returned arrays are left to the collector,
 * so a burst does not pin its peak forever. A lock, not a lock-free stack: it is held
 * for a few instructions, and never while blocking.
 */
public final class BufferPool {
    private static final BufferPool SHARED = new BufferPool(16 * 1024, 256);

    private final int bufferSize;
    private final byte[][] free;
    private int count;

    public BufferPool(int bufferSize, int capacity) {
        if (bufferSize <= 0 || capacity < 0) {
            throw new IllegalArgumentException("bufferSize must be positive and capacity not negative");
        }
        this.bufferSize = bufferSize;
        this.free = new byte[capacity][];
    }

    /** A pool for code that runs outside a server, such as tests and benchmarks. */
    public static BufferPool shared() {
        return SHARED;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** An array of {@link #bufferSize()} bytes, with arbitrary content. */
    public byte[] acquire() {
        synchronized (free) {
            if (count > 0) {
                byte[] b = free[--count];
                free[count] = null;
                return b;
            }
        }
        return new byte[bufferSize];
    }

    /** Takes back an array from {@link #acquire()}; the caller must not touch it again. */
    public void release(byte[] buffer) {
        if (buffer.length != bufferSize) {
            return;
        }
        synchronized (free) {
            if (count < free.length) {
                free[count++] = buffer;
            }
        }
    }

    /** Arrays waiting to be lent. */
    public int available() {
        synchronized (free) {
            return count;
        }
    }
}
