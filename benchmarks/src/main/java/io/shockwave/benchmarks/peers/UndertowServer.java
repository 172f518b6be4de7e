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
 *
 * <p>{@code ENABLE_HTTP2} turns on HTTP/2 on both listeners: on the cleartext one Undertow's
 * HTTP/1.1 reader hands a connection that opens with the HTTP/2 preface to HTTP/2 (h2c with prior
 * knowledge), and it also wraps the handler in Http2UpgradeHandler (h2c Upgrade), one header
 * lookup per HTTP/1.1 request; on the TLS one (the JDK's TLS and ALPN) it offers h2 and http/1.1.
 */
public final class UndertowServer {
    private UndertowServer() {
    }

    public static void main(String[] args) {
        Peers.Options options = Peers.options(args);
        PathHandler paths = new PathHandler()
                .addExactPath(Peers.PLAINTEXT_PATH, new Body(Peers.TEXT_PLAIN, Peers.HELLO))
                .addExactPath(Peers.JSON_PATH, new Body(Peers.APPLICATION_JSON, Peers.JSON));
        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(options.port(), "0.0.0.0")
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setHandler(new SetHeaderHandler(paths, "Server", "Undertow"));
        if (options.tls()) {
            builder.addHttpsListener(options.tlsPort(), "0.0.0.0", options.sslContext());
        }
        Undertow server = builder.build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        Peers.ready(boundPort(server, "http"), options.tls() ? boundPort(server, "https") : Peers.Options.NO_TLS);
    }

    private static int boundPort(Undertow server, String protocol) {
        for (Undertow.ListenerInfo listener : server.getListenerInfo()) {
            // sic: Undertow's accessor is spelled getProtcol.
            if (listener.getProtcol().equals(protocol)) {
                return ((InetSocketAddress) listener.getAddress()).getPort();
            }
        }
        throw new IllegalStateException("no " + protocol + " listener");
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
