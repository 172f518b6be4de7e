package io.shockwave.benchmarks.peers;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Vert.x 5 core HttpServer in one verticle (one event loop), with the native transport when it
 * loads (the line {@code transport: epoll|nio} says which) and, as in the TechEmpower entry, Server
 * and Date headers set by the application, the date formatted once a second.
 */
public final class VertxServer extends VerticleBase {
    private static final CharSequence SERVER = HttpHeaders.createOptimized("Vert.x");
    private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized(Peers.TEXT_PLAIN);
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized(Peers.APPLICATION_JSON);
    private static final Buffer HELLO = Buffer.buffer(Peers.HELLO);
    private static final Buffer JSON = Buffer.buffer(Peers.JSON);

    private final int port;
    private CharSequence date = HttpHeaders.createOptimized(Peers.httpDate());

    private VertxServer(int port) {
        this.port = port;
    }

    public static void main(String[] args) {
        int port = Peers.port(args);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        System.out.println("transport: " + (vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        String id = vertx.deployVerticle(new VertxServer(port)).await();
        if (id == null) {
            throw new IllegalStateException("verticle not deployed");
        }
    }

    @Override
    public Future<?> start() {
        vertx.setPeriodic(1000, tick -> date = HttpHeaders.createOptimized(Peers.httpDate()));
        return vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(port, "0.0.0.0")
                .onSuccess(server -> Peers.ready(server.actualPort()));
    }

    private void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        String path = request.path();
        if (request.method() == HttpMethod.GET && path.equals(Peers.PLAINTEXT_PATH)) {
            send(response, TEXT_PLAIN, HELLO);
        } else if (request.method() == HttpMethod.GET && path.equals(Peers.JSON_PATH)) {
            send(response, APPLICATION_JSON, JSON);
        } else {
            response.setStatusCode(404)
                    .putHeader(HttpHeaders.SERVER, SERVER)
                    .putHeader(HttpHeaders.DATE, date)
                    .end();
        }
    }

    private void send(HttpServerResponse response, CharSequence contentType, Buffer body) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, contentType)
                .putHeader(HttpHeaders.SERVER, SERVER)
                .putHeader(HttpHeaders.DATE, date)
                .end(body);
    }
}
