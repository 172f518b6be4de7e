/**
 * HTTP/3 (RFC 9114) for Shockwave on Kwik's QUIC streams: request streams mapped onto the
 * shared request model, each handler on its own virtual thread. Framing is ours; QPACK
 * (RFC 9204, static table and literals only) comes from {@code tech.kwik.qpack}.
 */
module io.shockwave.http3 {
    requires transitive io.shockwave.transport.quic;
    requires tech.kwik.qpack;

    exports io.shockwave.http3;

    provides io.shockwave.transport.quic.QuicProtocolProvider with io.shockwave.http3.Http3Provider;
}
