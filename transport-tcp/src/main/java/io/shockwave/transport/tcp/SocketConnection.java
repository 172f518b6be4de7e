package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;

/** A TCP connection, whichever socket implementation carries it. */
abstract class SocketConnection extends ConnectionChannel {
    SocketConnection(ServerContext context) {
        super(context);
    }

    /**
     * Sets the per-connection socket options, on the connection's thread: TCP_NODELAY.
     * Not TCP_QUICKACK: an ACK of its own for every request, instead of one riding on the
     * response, cost a quarter of the keep-alive requests per CPU-second (measured 93k
     * with it against 116k without, medians of six alternating runs).
     */
    abstract void configure() throws IOException;

    /** Whether the engine suspended the connection as it returned (see {@link #letGo}). */
    final boolean suspending() {
        return isSuspending();
    }

    /**
     * Once the engine returned after suspending: null when the connection now waits
     * without a thread (the caller must not touch it again), or the resume to run at once
     * on this thread when something woke it meanwhile.
     */
    final Runnable letGo() {
        return completeSuspension();
    }

    /** Frees what the connection holds once it is finished and closed; on its last thread. */
    void release() {
    }
}
