package io.shockwave.transport.tcp;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ServerContext;
import io.shockwave.runtime.spi.TransportProvider;

import java.io.IOException;

/** Plain TCP listeners; each accepted connection becomes an actor on its own virtual thread. */
public final class TcpTransport implements TransportProvider {
    /** For {@link java.util.ServiceLoader}. */
    public TcpTransport() {
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Binding bind(Listener listener, ServerContext context) throws IOException {
        return TcpBinding.open(listener, context);
    }
}
