package io.shockwave.transport.quic;

import io.shockwave.runtime.spi.ServerContext;

import java.net.InetSocketAddress;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

/**
 * An application protocol on QUIC connections (HTTP/3), found with
 * {@link java.util.ServiceLoader}. Kwik hands it every connection whose client chose its
 * ALPN token; the protocol then owns the connection's streams.
 */
public interface QuicProtocolProvider {
    /** The ALPN token: {@code h3}. */
    String alpn();

    /**
     * The factory Kwik calls for each new connection of this protocol, on the server
     * {@code context}, for the UDP socket bound to {@code local} (a wildcard address when the
     * listener is on every address: a datagram socket cannot tell which one a packet came to).
     */
    ApplicationProtocolConnectionFactory connectionFactory(ServerContext context, InetSocketAddress local);
}
