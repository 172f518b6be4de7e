/**
 * The Shockwave runtime: the request model, handlers and routing, the server
 * lifecycle and the SPI that transports and protocols implement.
 */
module io.shockwave.runtime {
    requires transitive org.slf4j;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports io.shockwave.runtime;
    exports io.shockwave.runtime.spi;

    uses io.shockwave.runtime.spi.TransportProvider;
    uses io.shockwave.runtime.spi.ProtocolProvider;
}
