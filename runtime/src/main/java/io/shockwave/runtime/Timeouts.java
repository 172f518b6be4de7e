package io.shockwave.runtime;

import java.time.Duration;

/**
 * How long the server waits on a client.
 *
 * @param requestHead from the first byte of a request until its head is complete; then 408 and close
 * @param idle a kept-alive connection with no request in progress; then it is closed
 * @param bodyRead between two reads of a request body that make no progress
 * @param write one write that the client does not drain; then the connection is closed
 */
public record Timeouts(Duration requestHead, Duration idle, Duration bodyRead, Duration write) {

    public static final Timeouts DEFAULT = new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));

    public Timeouts {
        positive(requestHead, "requestHead");
        positive(idle, "idle");
        positive(bodyRead, "bodyRead");
        positive(write, "write");
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and ~24 days: " + d);
        }
    }

    public Timeouts withRequestHead(Duration d) {
        return new Timeouts(d, idle, bodyRead, write);
    }

    public Timeouts withIdle(Duration d) {
        return new Timeouts(requestHead, d, bodyRead, write);
    }

    public Timeouts withBodyRead(Duration d) {
        return new Timeouts(requestHead, idle, d, write);
    }

    public Timeouts withWrite(Duration d) {
        return new Timeouts(requestHead, idle, bodyRead, d);
    }
}
