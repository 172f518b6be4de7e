/** Listening TCP sockets for Shockwave: one virtual thread per accepted connection. */
module io.shockwave.transport.tcp {
    requires transitive io.shockwave.runtime;
    requires jdk.net;

    exports io.shockwave.transport.tcp;

    provides io.shockwave.runtime.spi.TransportProvider with io.shockwave.transport.tcp.TcpTransport;
}
