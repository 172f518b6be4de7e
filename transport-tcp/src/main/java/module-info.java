/** Listening TCP sockets for Shockwave: epoll through java.lang.foreign on Linux, a virtual thread per busy connection. */
module io.shockwave.transport.tcp {
    requires transitive io.shockwave.runtime;

    exports io.shockwave.transport.tcp;

    provides io.shockwave.runtime.spi.TransportProvider with io.shockwave.transport.tcp.TcpTransport;
}
