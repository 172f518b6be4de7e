package io.shockwave.http1;

import io.shockwave.http1.internal.Http1Connection;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;

/**
 * HTTP/1.1 on a TCP connection. It claims any connection no other protocol claimed:
 * whatever is not HTTP/1.x gets a 400 from its parser.
 */
public final class Http1Provider implements ProtocolProvider {
    /** For {@link java.util.ServiceLoader}. */
    public Http1Provider() {
    }

    @Override
    public String id() {
        return "http/1.1";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public int bytesToIdentify() {
        return 0;
    }

    @Override
    public Detection detect(byte[] buf, int off, int len) {
        return Detection.SUPPORTED;
    }

    @Override
    public void serve(ConnectionChannel channel, ServerContext context) throws IOException {
        new Http1Connection(channel, context).serve();
    }
}
