package io.shockwave.runtime.spi;

import io.shockwave.runtime.Listener;

import java.io.IOException;

/**
 * Accepts connections for a {@link Listener} and hands each to a protocol. Found with
 * {@link java.util.ServiceLoader}; an application without a transport module on its
 * path simply has no such listeners.
 */
public interface TransportProvider {
    /** {@code tcp}, {@code quic}. */
    String name();

    /** Whether the transport can serve here (QUIC only with an application protocol on the path). */
    default boolean available() {
        return true;
    }

    /** Binds the listener and starts accepting on it; returns once it is bound. */
    Binding bind(Listener listener, ServerContext context) throws IOException;
}
