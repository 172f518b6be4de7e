/** HTTP/1.1 (RFC 9112) for Shockwave: the parser, the writer and the connection loop. */
module io.shockwave.http1 {
    requires transitive io.shockwave.runtime;

    exports io.shockwave.http1;

    provides io.shockwave.runtime.spi.ProtocolProvider with io.shockwave.http1.Http1Provider;
}
