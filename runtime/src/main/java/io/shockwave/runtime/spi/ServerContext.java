package io.shockwave.runtime.spi;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Timeouts;

import java.util.List;

/** What a running server gives its transports and protocol engines. */
public interface ServerContext {
    Handler handler();

    ErrorHandler errorHandler();

    Limits limits();

    Timeouts timeouts();

    ServerStats stats();

    /** The protocols found on the module or class path, highest priority first. */
    List<ProtocolProvider> protocols();

    /** The value of the {@code Server} header, in ASCII, or {@code null} to send none. */
    byte[] serverHeader();

    /**
     * The {@code Alt-Svc} value that responses over TLS carry (RFC 7838), in ASCII, when the
     * server also serves HTTP/3 ({@code h3=":8443"; ma=86400}); {@code null} otherwise. Read by
     * a connection when it starts.
     */
    default byte[] altSvc() {
        return null;
    }

    /** Where connections borrow their I/O buffers while an exchange is in progress. */
    default BufferPool bufferPool() {
        return BufferPool.shared();
    }

    /**
     * At the connection limit: starts closing the connection idle the longest, to admit a
     * new one; false when every connection is busy (then the new one is refused).
     */
    default boolean evictIdleConnection() {
        return false;
    }

    /** Whether anyone observes exchanges: engines time them and call {@link #exchangeEnded} only then. */
    default boolean observesExchanges() {
        return false;
    }

    /**
     * An exchange ended ({@link io.shockwave.runtime.ExchangeObserver}): its response went out,
     * or was {@code aborted}; {@code startNanos} is {@link System#nanoTime()} when its head was read.
     */
    default void exchangeEnded(io.shockwave.runtime.Request request, io.shockwave.runtime.Status status,
                               long bodyBytes, long startNanos, boolean aborted) {
    }

    /** Tracks a connection, so that stop can drain it and the watchdog can check its deadlines. */
    void register(ServerConnection connection);

    void unregister(ServerConnection connection);
}
