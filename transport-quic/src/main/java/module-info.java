/**
 * QUIC for Shockwave: Kwik's server connector on UDP, beside a TLS listener and with its
 * certificate. The application protocol on it (HTTP/3) is found through
 * {@link io.shockwave.transport.quic.QuicProtocolProvider}; without this module on the path
 * a server has no HTTP/3 and loads no QUIC code.
 */
module io.shockwave.transport.quic {
    requires transitive io.shockwave.runtime;
    requires transitive tech.kwik.core;

    exports io.shockwave.transport.quic;

    uses io.shockwave.transport.quic.QuicProtocolProvider;

    provides io.shockwave.runtime.spi.TransportProvider with io.shockwave.transport.quic.QuicTransport;
}
