package io.shockwave.runtime;

/**
 * Where the server accepts connections.
 *
 * @param host the address to bind, e.g. {@code 0.0.0.0}, {@code ::} or {@code 127.0.0.1}
 * @param port the port; 0 picks a free one, which {@link Server#port()} then reports
 * @param acceptors how many sockets accept in parallel; more than one needs SO_REUSEPORT
 * @param reusePort whether to set SO_REUSEPORT on the listening sockets
 * @param tls the certificate for TLS (h2 and http/1.1 by ALPN), or {@code null} for cleartext
 * @param proxyProtocol whether every connection starts with a PROXY protocol header (v1 or v2)
 *                      naming the client, as HAProxy's {@code send-proxy} and nginx's
 *                      {@code proxy_protocol on} send; a connection without a valid one is closed
 */
public record Listener(String host, int port, int acceptors, boolean reusePort, TlsConfig tls, boolean proxyProtocol) {
    public Listener {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (acceptors < 1) {
            throw new IllegalArgumentException("acceptors must be at least 1");
        }
        if (acceptors > 1 && !reusePort) {
            throw new IllegalArgumentException("several acceptors need reusePort");
        }
    }

    public Listener(String host, int port, int acceptors, boolean reusePort, TlsConfig tls) {
        this(host, port, acceptors, reusePort, tls, false);
    }

    /** This listener, expecting a PROXY protocol header on every connection or not. */
    public Listener withProxyProtocol(boolean expected) {
        return new Listener(host, port, acceptors, reusePort, tls, expected);
    }

    public static Listener of(String host, int port) {
        return new Listener(host, port, 1, false, null);
    }

    /** A TLS listener presenting {@code tls}. */
    public static Listener tls(String host, int port, TlsConfig tls) {
        return new Listener(host, port, 1, false, java.util.Objects.requireNonNull(tls));
    }

    public boolean isTls() {
        return tls != null;
    }
}
