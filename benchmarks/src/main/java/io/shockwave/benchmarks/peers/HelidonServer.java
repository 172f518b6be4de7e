package io.shockwave.benchmarks.peers;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Helidon 4 SE WebServer: a virtual thread per connection (its default), cached header values and
 * pre-encoded bodies as in the TechEmpower entry, which also adds the Server header. With
 * helidon-webserver-http2 on the class path every listener also speaks HTTP/2 through the same
 * routing: the cleartext one recognises the HTTP/2 preface (h2c with prior knowledge), the TLS one
 * (a second, named listener; the JDK's TLS) offers h2 and http/1.1 by ALPN.
 */
public final class HelidonServer {
    private static final Header SERVER = HeaderValues.createCached(HeaderNames.SERVER, "Helidon");
    private static final String TLS_SOCKET = "https";

    private HelidonServer() {
    }

    public static void main(String[] args) {
        Peers.Options options = Peers.options(args);
        WebServerConfig.Builder builder = WebServer.builder()
                .host("0.0.0.0")
                .port(options.port())
                // Helidon leaves Nagle's algorithm on unless tcp-no-delay is set; with it on, pipelined
                // responses wait for the peer's delayed ACK.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .routing(HelidonServer::routes);
        if (options.tls()) {
            PrivateKey key = options.privateKey();
            List<X509Certificate> chain = options.chain();
            builder.putSocket(TLS_SOCKET, listener -> listener
                    .host("0.0.0.0")
                    .port(options.tlsPort())
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    .tls(tls -> tls.privateKey(key).privateKeyCertChain(chain))
                    .routing(HelidonServer::routes));
        }
        WebServer server = builder.build().start();
        Peers.ready(server.port(), options.tls() ? server.port(TLS_SOCKET) : Peers.Options.NO_TLS);
    }

    private static void routes(HttpRouting.Builder routing) {
        routing.get(Peers.PLAINTEXT_PATH, new Body(Peers.TEXT_PLAIN, Peers.HELLO))
                .get(Peers.JSON_PATH, new Body(Peers.APPLICATION_JSON, Peers.JSON));
    }

    private static final class Body implements Handler {
        private final Header contentType;
        private final Header contentLength;
        private final byte[] body;

        Body(String contentType, byte[] body) {
            this.contentType = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, contentType);
            this.contentLength = HeaderValues.createCached(HeaderNames.CONTENT_LENGTH, body.length);
            this.body = body;
        }

        @Override
        public void handle(ServerRequest req, ServerResponse res) {
            res.header(contentLength);
            res.header(contentType);
            res.header(SERVER);
            res.send(body);
        }
    }
}
