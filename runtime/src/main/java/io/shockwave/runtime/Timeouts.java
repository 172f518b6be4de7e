package io.shockwave.runtime;

import java.time.Duration;

/**
 * How long the server waits on a client.
 *
 * @param requestHead from the first byte of a request (for a new connection: from its
 *                    accept) until its head is complete; then 408 and close
 * @param idle a kept-alive connection with no request in progress; then it is closed
 * @param bodyRead between two reads of a request body that make no progress
 * @param write one write that the client does not drain; then the connection is closed
 * @param linger after the server's last response on a connection: how long it reads and
 *               drops what the client still sends before closing (RFC 9112 §9.6), so that
 *               the close does not reset the connection under a response not yet read
 */
public record Timeouts(Duration requestHead, Duration idle, Duration bodyRead, Duration write, Duration linger) {

    public static final Timeouts DEFAULT = new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(2));

    public Timeouts {
        positive(requestHead, "requestHead");
        positive(idle, "idle");
        positive(bodyRead, "bodyRead");
        positive(write, "write");
        positive(linger, "linger");
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and ~24 days: " + d);
        }
    }

    public Timeouts withRequestHead(Duration d) {
        return new Timeouts(d, idle, bodyRead, write, linger);
    }

    public Timeouts withIdle(Duration d) {
        return new Timeouts(requestHead, d, bodyRead, write, linger);
    }

    public Timeouts withBodyRead(Duration d) {
        return new Timeouts(requestHead, idle, d, write, linger);
    }

    public Timeouts withWrite(Duration d) {
        return new Timeouts(requestHead, idle, bodyRead, d, linger);
    }

    public Timeouts withLinger(Duration d) {
        return new Timeouts(requestHead, idle, bodyRead, write, d);
    }
}
