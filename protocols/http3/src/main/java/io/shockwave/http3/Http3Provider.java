package io.shockwave.http3;

import io.shockwave.http3.internal.Http3Connection;
import io.shockwave.runtime.spi.ServerContext;
import io.shockwave.transport.quic.QuicProtocolProvider;
import io.shockwave.transport.quic.QuicTransport;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

import java.net.InetSocketAddress;

/** HTTP/3 ({@code h3}) on the QUIC transport. */
public final class Http3Provider implements QuicProtocolProvider {
    @Override
    public String alpn() {
        return "h3";
    }

    @Override
    public ApplicationProtocolConnectionFactory connectionFactory(ServerContext context, InetSocketAddress local) {
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        return new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                return Http3Connection.open(connection, context, open, local);
            }

            @Override
            public int maxConcurrentPeerInitiatedBidirectionalStreams() {
                return QuicTransport.MAX_REQUEST_STREAMS;
            }

            @Override
            public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
                return QuicTransport.MAX_UNIDIRECTIONAL_STREAMS;
            }
        };
    }
}
