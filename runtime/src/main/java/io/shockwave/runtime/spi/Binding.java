package io.shockwave.runtime.spi;

import java.net.InetSocketAddress;

/** A bound listener. Closing it stops accepting; open connections are the server's to drain. */
public interface Binding extends AutoCloseable {
    InetSocketAddress address();

    default int port() {
        return address().getPort();
    }

    @Override
    void close();

    /**
     * The server's connections are drained (or were closed): a transport that owns its
     * sockets and threads beyond the connections (QUIC) releases them now.
     */
    default void drained() {
    }
}
