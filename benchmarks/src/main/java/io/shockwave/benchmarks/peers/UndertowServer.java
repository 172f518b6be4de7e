package io.shockwave.benchmarks.peers;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.SetHeaderHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Undertow 2.3 with its core HttpHandler API (no servlets), as the TechEmpower entry sets it up:
 * handlers run on the I/O threads, Undertow sends Date, a SetHeaderHandler adds Server, and no
 * {@code Connection: keep-alive} on HTTP/1.1 responses, where it is the default.
 */
public final class UndertowServer {
    private UndertowServer() {
    }

    public static void main(String[] args) {
        int port = Peers.port(args);
        PathHandler paths = new PathHandler()
                .addExactPath(Peers.PLAINTEXT_PATH, new Body(Peers.TEXT_PLAIN, Peers.HELLO))
                .addExactPath(Peers.JSON_PATH, new Body(Peers.APPLICATION_JSON, Peers.JSON));
        Undertow server = Undertow.builder()
                .addHttpListener(port, "0.0.0.0")
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setHandler(new SetHeaderHandler(paths, "Server", "Undertow"))
                .build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        int bound = ((InetSocketAddress) server.getListenerInfo().getFirst().getAddress()).getPort();
        Peers.ready(bound);
    }

    /** Sends one pre-encoded body; TechEmpower's entry also reuses a direct buffer. */
    private static final class Body implements HttpHandler {
        private final String contentType;
        private final ByteBuffer body;

        Body(String contentType, byte[] bytes) {
            this.contentType = contentType;
            this.body = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (!exchange.getRequestMethod().equals(Methods.GET)) {
                ResponseCodeHandler.HANDLE_404.handleRequest(exchange);
                return;
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            exchange.getResponseSender().send(body.duplicate());
        }
    }
}
