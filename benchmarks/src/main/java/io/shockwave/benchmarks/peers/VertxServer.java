package io.shockwave.benchmarks.peers;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;

/**
 * Vert.x 5 core HttpServer in one verticle (one event loop), with the native transport when it
 * loads (the line {@code transport: epoll|nio} says which) and, as in the TechEmpower entry, Server
 * and Date headers set by the application, the date formatted once a second. The cleartext server
 * also takes h2c with prior knowledge; a second server on the TLS port (the JDK's SSLEngine)
 * offers h2 and http/1.1 by ALPN. Both share the verticle's event loop and handler.
 */
public final class VertxServer extends VerticleBase {
    private static final CharSequence SERVER = HttpHeaders.createOptimized("Vert.x");
    private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized(Peers.TEXT_PLAIN);
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized(Peers.APPLICATION_JSON);
    private static final Buffer HELLO = Buffer.buffer(Peers.HELLO);
    private static final Buffer JSON = Buffer.buffer(Peers.JSON);

    private final Peers.Options options;
    private CharSequence date = HttpHeaders.createOptimized(Peers.httpDate());

    private VertxServer(Peers.Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Peers.Options options = Peers.options(args);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        System.out.println("transport: " + (vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        String id = vertx.deployVerticle(new VertxServer(options)).await();
        if (id == null) {
            throw new IllegalStateException("verticle not deployed");
        }
    }

    @Override
    public Future<?> start() {
        vertx.setPeriodic(1000, tick -> date = HttpHeaders.createOptimized(Peers.httpDate()));
        // h2c with prior knowledge is Vert.x's default; said here because the benchmark relies on it.
        Future<HttpServer> cleartext = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(this::handle)
                .listen(options.port(), "0.0.0.0");
        if (!options.tls()) {
            return cleartext.onSuccess(server -> Peers.ready(server.actualPort(), Peers.Options.NO_TLS));
        }
        HttpServerOptions tls = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setSslEngineOptions(new JdkSSLEngineOptions())
                .setKeyCertOptions(KeyCertOptions.wrap(options.keyManagers()));
        Future<HttpServer> secure = vertx.createHttpServer(tls)
                .requestHandler(this::handle)
                .listen(options.tlsPort(), "0.0.0.0");
        return Future.all(cleartext, secure)
                .onSuccess(both -> Peers.ready(cleartext.result().actualPort(), secure.result().actualPort()));
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
