package io.shockwave.http3;

import io.shockwave.http3.internal.Http3Connection;
import io.shockwave.runtime.spi.ServerContext;
import io.shockwave.transport.quic.QuicProtocolProvider;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

/** HTTP/3 ({@code h3}) on the QUIC transport. */
public final class Http3Provider implements QuicProtocolProvider {
    /** Request streams a client may have open at once, as for HTTP/2. */
    static final int MAX_REQUEST_STREAMS = 128;
    /** Control and the two QPACK streams, and a few for extensions this server ignores. */
    static final int MAX_UNIDIRECTIONAL_STREAMS = 8;

    @Override
    public String alpn() {
        return "h3";
    }

    @Override
    public ApplicationProtocolConnectionFactory connectionFactory(ServerContext context) {
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        return new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
                return Http3Connection.open(connection, context, open);
            }

            @Override
            public int maxConcurrentPeerInitiatedBidirectionalStreams() {
                return MAX_REQUEST_STREAMS;
            }

            @Override
            public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
                return MAX_UNIDIRECTIONAL_STREAMS;
            }
        };
    }
}
