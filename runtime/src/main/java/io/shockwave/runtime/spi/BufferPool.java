package io.shockwave.runtime.spi;

/**
 * Byte arrays of one size, lent to connections while they have an exchange in progress
 * and taken back when they go idle, so that a parked keep-alive connection holds no
 * I/O buffer. Bounded: past {@code capacity} returned arrays are left to the collector,
 * so a burst does not pin its peak forever.
 *
 * <p>Striped, so that carriers do not queue on one lock: a thread takes from and returns
 * to the stripe its id picks (a connection's thread keeps its stripe, so its arrays
 * mostly come back where it takes them), and only when that stripe is empty, or full,
 * looks at the others. Each stripe is a small stack under its own lock, held for a few
 * instructions and never while blocking; stripes sit on separate cache lines.
 */
public final class BufferPool {
    private static final BufferPool SHARED = new BufferPool(16 * 1024, 256);

    private final int bufferSize;
    private final Stripe[] stripes;
    private final int mask;

    public BufferPool(int bufferSize, int capacity) {
        if (bufferSize <= 0 || capacity < 0) {
            throw new IllegalArgumentException("bufferSize must be positive and capacity not negative");
        }
        this.bufferSize = bufferSize;
        // Four stripes a core, so that two threads rarely pick the same one at once.
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) << 1;
        n = Math.min(n, Math.max(1, Integer.highestOneBit(capacity))); // a power of two: every stripe reachable
        this.stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            // The capacity spread over the stripes, the remainder to the first ones.
            stripes[i] = new Stripe(capacity / n + (i < capacity % n ? 1 : 0));
        }
        this.mask = n - 1;
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
        int home = home();
        for (int i = 0; i <= mask; i++) {
            byte[] b = stripes[(home + i) & mask].pop();
            if (b != null) {
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
        int home = home();
        for (int i = 0; i <= mask; i++) {
            if (stripes[(home + i) & mask].push(buffer)) {
                return;
            }
        }
    }

    /**
     * What {@link java.io.InputStream#transferTo} does, through a borrowed array instead of a
     * new 16 KiB one per call: for request bodies, whose {@code transferTo} is how a handler
     * echoes or stores them.
     */
    public long transfer(java.io.InputStream in, java.io.OutputStream out) throws java.io.IOException {
        java.util.Objects.requireNonNull(out, "out");
        byte[] buf = acquire();
        try {
            long total = 0;
            for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
                out.write(buf, 0, n);
                total += n;
            }
            return total;
        } finally {
            release(buf);
        }
    }

    /** Arrays waiting to be lent. */
    public int available() {
        int total = 0;
        for (Stripe s : stripes) {
            total += s.size();
        }
        return total;
    }

    private int home() {
        long id = Thread.currentThread().threadId();
        return (int) (id ^ (id >>> 16)) & mask;
    }

    /** One stack of arrays, padded so that neighbouring stripes do not share a cache line. */
    private static final class Stripe {
        @SuppressWarnings("unused")
        private long p0, p1, p2, p3, p4, p5, p6, p7;
        private final byte[][] free;
        private int count;
        @SuppressWarnings("unused")
        private long q0, q1, q2, q3, q4, q5, q6, q7;

        Stripe(int capacity) {
            this.free = new byte[capacity][];
        }

        synchronized byte[] pop() {
            if (count == 0) {
                return null;
            }
            byte[] b = free[--count];
            free[count] = null;
            return b;
        }

        synchronized boolean push(byte[] b) {
            if (count == free.length) {
                return false;
            }
            free[count++] = b;
            return true;
        }

        synchronized int size() {
            return count;
        }
    }
}
