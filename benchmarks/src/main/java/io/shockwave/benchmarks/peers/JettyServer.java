package io.shockwave.benchmarks.peers;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty 12 with its core Handler API (no servlets), as the TechEmpower entry uses it: one
 * HTTP/1.1 connector on every address, Date and Server sent by Jetty, pre-encoded fields and bodies.
 */
public final class JettyServer {
    private JettyServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Peers.port(args);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendDateHeader(true);
        config.setSendServerVersion(true);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new HelloHandler());
        server.setStopAtShutdown(true);
        server.start();
        Peers.ready(connector.getLocalPort());
        server.join();
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
