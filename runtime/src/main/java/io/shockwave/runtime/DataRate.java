package io.shockwave.runtime;

import java.time.Duration;

/**
 * A minimum data rate: a client that sends a request body, or reads a response, slower
 * than {@code bytesPerSecond} on average, once {@code grace} has passed, is cut off. The
 * read and write timeouts bound one stall; this bounds a client that drips a byte now and
 * then to stay just inside them (Kestrel's MinRequestBodyDataRate and
 * MinResponseDataRate, Jetty's MinRequestDataRate and MinResponseDataRate).
 *
 * @param bytesPerSecond the least average rate; 0 turns the check off
 * @param grace how long a transfer may run before its rate is checked, so that a slow
 *              start (TCP slow start, a client that takes a moment) is not held against it
 */
public record DataRate(long bytesPerSecond, Duration grace) {
    /** No minimum. */
    public static final DataRate NONE = new DataRate(0, Duration.ZERO);

    public DataRate {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
        }
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must be zero or positive: " + grace);
        }
    }

    /** At least {@code bytesPerSecond} on average, checked once {@code grace} has passed. */
    public static DataRate of(long bytesPerSecond, Duration grace) {
        return new DataRate(bytesPerSecond, grace);
    }

    public boolean isEnabled() {
        return bytesPerSecond > 0;
    }
}
