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

    /** Sends a FIN after what was written, leaving the input open. */
    abstract void shutdownOutput() throws IOException;

    /**
     * Waits for bytes without a thread, then runs {@code resume} on a new one; on the
     * connection's thread, as its last act. Only where {@link #canSuspend()}.
     */
    void suspendUntilReadable(Runnable resume) {
        throw new UnsupportedOperationException();
    }

    /** The resume the engine left when it suspended, or null when the connection is finished. */
    final Runnable suspensionLeft() {
        return takeSuspension();
    }

    /** Frees what the connection holds once it is finished and closed; on its last thread. */
    void release() {
    }
}
