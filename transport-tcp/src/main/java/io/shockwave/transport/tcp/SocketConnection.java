package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;

/** A TCP connection, whichever socket implementation carries it. */
abstract class SocketConnection extends ConnectionChannel {
    SocketConnection(ServerContext context) {
        super(context);
    }

    /** Sets the per-connection socket options (TCP_NODELAY, TCP_QUICKACK); on the connection's thread. */
    abstract void configure(boolean quickAck) throws IOException;

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
