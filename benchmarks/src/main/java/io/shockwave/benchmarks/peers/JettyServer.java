package io.shockwave.benchmarks.peers;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.nio.ByteBuffer;

/**
 * Jetty 12 with its core Handler API (no servlets), as the TechEmpower entry uses it: Date and
 * Server sent by Jetty, pre-encoded fields and bodies. The cleartext connector speaks HTTP/1.1
 * and, through HTTP2CServerConnectionFactory, h2c: a connection that opens with the HTTP/2
 * preface ({@code PRI * HTTP/2.0}) is handed to HTTP/2. The TLS connector negotiates h2 or
 * http/1.1 by ALPN with the JDK's TLS, as Jetty's documentation sets it up.
 */
public final class JettyServer {
    private JettyServer() {
    }

    public static void main(String[] args) throws Exception {
        Peers.Options options = Peers.options(args);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendDateHeader(true);
        config.setSendServerVersion(true);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server,
                new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
        connector.setPort(options.port());
        server.addConnector(connector);
        ServerConnector secure = options.tls() ? tlsConnector(server, config, options) : null;
        server.setHandler(new HelloHandler());
        server.setStopAtShutdown(true);
        server.start();
        Peers.ready(connector.getLocalPort(), secure == null ? Peers.Options.NO_TLS : secure.getLocalPort());
        server.join();
    }

    private static ServerConnector tlsConnector(Server server, HttpConfiguration config, Peers.Options options) {
        HttpConfiguration https = new HttpConfiguration(config);
        // Marks requests secure as an HTTPS deployment would. Its SNI host check (the Host against
        // the certificate) is off: it guards virtual hosts, which this server has not.
        https.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory http11 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        // The JDK's ALPN, found by jetty-alpn-java-server's service entry; http/1.1 for clients
        // that offer no ALPN (wrk).
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(options.sslContext());
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http11);
        connector.setPort(options.tlsPort());
        server.addConnector(connector);
        return connector;
    }

    /** Declared non-blocking, as Jetty asks of handlers that never block, so it need not dispatch them. */
    private static final class HelloHandler extends Handler.Abstract.NonBlocking {
        private static final HttpField TEXT_PLAIN = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Peers.TEXT_PLAIN);
        private static final HttpField APPLICATION_JSON =
                new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, Peers.APPLICATION_JSON);
        private static final HttpField HELLO_LENGTH =
                new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(Peers.HELLO.length));
        private static final HttpField JSON_LENGTH =
                new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(Peers.JSON.length));
        private static final ByteBuffer HELLO = ByteBuffer.wrap(Peers.HELLO).asReadOnlyBuffer();
        private static final ByteBuffer JSON = ByteBuffer.wrap(Peers.JSON).asReadOnlyBuffer();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!HttpMethod.GET.is(request.getMethod())) {
                return false;
            }
            String path = Request.getPathInContext(request);
            if (path.equals(Peers.PLAINTEXT_PATH)) {
                send(response, callback, TEXT_PLAIN, HELLO_LENGTH, HELLO);
                return true;
            }
            if (path.equals(Peers.JSON_PATH)) {
                send(response, callback, APPLICATION_JSON, JSON_LENGTH, JSON);
                return true;
            }
            // Unhandled: the Server answers 404.
            return false;
        }

        private static void send(Response response, Callback callback, HttpField type, HttpField length,
                                 ByteBuffer body) {
            response.setStatus(200);
            response.getHeaders().put(type);
            response.getHeaders().put(length);
            response.write(true, body.slice(), callback);
        }
    }
}
