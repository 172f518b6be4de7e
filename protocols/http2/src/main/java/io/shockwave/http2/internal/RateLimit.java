package io.shockwave.http2.internal;

/**
 * At most {@code max} events in any window of {@code windowNanos} (two fixed windows,
 * weighted, as a sliding one): the bound on frames that cost the server work and the
 * client nothing, such as PING, SETTINGS, resets and empty frames. Reader thread only.
 */
final class RateLimit {
    private final int max;
    private final long windowNanos;
    private long windowStart = System.nanoTime();
    private int previous;
    private int current;

    RateLimit(int max, long windowNanos) {
        this.max = max;
        this.windowNanos = windowNanos;
    }

    /** Counts one event; false once the rate is exceeded. */
    boolean allow() {
        long now = System.nanoTime();
        long elapsed = now - windowStart;
        if (elapsed >= windowNanos) {
            long windows = elapsed / windowNanos;
            previous = windows == 1 ? current : 0;
            current = 0;
            windowStart += windows * windowNanos;
            elapsed = now - windowStart;
        }
        current++;
        double weight = 1.0 - (double) elapsed / windowNanos;
        return previous * weight + current <= max;
    }
}
