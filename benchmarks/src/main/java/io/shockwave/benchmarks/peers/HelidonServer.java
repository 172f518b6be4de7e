package io.shockwave.benchmarks.peers;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Helidon 4 SE WebServer: a virtual thread per connection (its default), cached header values and
 * pre-encoded bodies as in the TechEmpower entry, which also adds the Server header.
 */
public final class HelidonServer {
    private static final Header SERVER = HeaderValues.createCached(HeaderNames.SERVER, "Helidon");

    private HelidonServer() {
    }

    public static void main(String[] args) {
        int port = Peers.port(args);
        WebServer server = WebServer.builder()
                .host("0.0.0.0")
                .port(port)
                // Helidon leaves Nagle's algorithm on unless tcp-no-delay is set; with it on, pipelined
                // responses wait for the peer's delayed ACK.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .routing(r -> r
                        .get(Peers.PLAINTEXT_PATH, new Body(Peers.TEXT_PLAIN, Peers.HELLO))
                        .get(Peers.JSON_PATH, new Body(Peers.APPLICATION_JSON, Peers.JSON)))
                .build()
                .start();
        Peers.ready(server.port());
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
