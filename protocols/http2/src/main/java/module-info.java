/** HTTP/2 (RFC 9113) and HPACK (RFC 7541) for Shockwave, over TLS (h2) and in cleartext (h2c). */
module io.shockwave.http2 {
    requires transitive io.shockwave.runtime;

    exports io.shockwave.http2;

    provides io.shockwave.runtime.spi.ProtocolProvider with io.shockwave.http2.Http2Provider;
}
