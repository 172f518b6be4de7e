package io.shockwave.runtime.spi;

import java.net.InetSocketAddress;

/**
 * A client connection as the server manages it, whatever carries it: what stop, the
 * connection limit and the watchdog need, and nothing about bytes. A TCP connection is
 * one through its {@link ConnectionChannel} (HTTP/1.1 and HTTP/2 answer a graceful close
 * with {@code Connection: close} and GOAWAY); a transport that owns its sockets itself,
 * such as QUIC for HTTP/3, implements it directly, and registers with
 * {@link ServerContext#register}.
 */
public interface ServerConnection {
    /**
     * Asks the connection to close gracefully: it finishes what it has taken on (the
     * exchange in progress, the streams below the last id it announces) and then closes.
     * Any thread; returns at once.
     */
    void closeGracefully();

    /** Like {@link #closeGracefully}, but only if nothing is in progress; returns whether it was idle. */
    boolean closeGracefullyIfIdle();

    /** Closes the connection now, whatever it is doing. Any thread. */
    void close();

    /** When the connection went idle ({@link System#nanoTime()}), or 0 while it is busy: for eviction at the limit. */
    long idleSince();

    /** The watchdog's tick: ends whatever has passed its deadline. Any thread. */
    void checkDeadlines(long now);

    InetSocketAddress remoteAddress();
}
