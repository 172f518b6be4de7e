package io.shockwave.samples.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shockwave.metrics.micrometer.ShockwaveMetrics;
import io.shockwave.runtime.AccessLog;
import io.shockwave.runtime.Compression;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Health;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Routes;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.StaticFiles;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.TlsConfig;
import io.shockwave.samples.SampleOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo the README starts: a handful of endpoints that show the handler API.
 * Cleartext HTTP/1.1 and h2c on {@code --port N} (default 8080), TLS with h2 and http/1.1 on
 * {@code --tls-port N} (default 8443) with a self-signed certificate made at start (its pin
 * is logged) or {@code --cert CHAIN.pem --key KEY.pem}; {@code --host H} sets the address.
 * Beside its endpoints: static files at {@code /static/}, {@code /health/live} and
 * {@code /health/ready}, {@code /metrics} (Prometheus), gzip for clients that accept it, and
 * with {@code --access-log} an access log on standard error.
 */
public final class DemoApp {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON = "{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII);
    private static final String TEXT = "text/plain";
    private static final String APPLICATION_JSON = "application/json";

    private DemoApp() {
    }

    public static void main(String[] args) {
        SampleOptions options = SampleOptions.parse(args);
        boolean accessLog = false;
        for (String a : options.rest()) {
            switch (a) {
                case "--access-log" -> accessLog = true;
                case "--help", "-h" -> {
                    System.out.println("usage: shockwave-demo [--port N] [--tls-port N | --no-tls] [--host ADDRESS]"
                            + " [--cert CHAIN.pem --key KEY.pem] [--access-log]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        Server server = start(options.host(), options.port(), options.tlsPort(), options.tls(), accessLog);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(10))));
        System.out.println("Shockwave demo on " + SampleOptions.urls(server));
    }

    /**
     * Starts the demo: cleartext (HTTP/1.1 and h2c) on {@code port}, and TLS (h2 and
     * http/1.1) on {@code tlsPort} unless it is negative, with {@code tls} or a generated
     * self-signed certificate when it is null. Port 0 picks a free one.
     */
    public static Server start(String host, int port, int tlsPort, TlsConfig tls) {
        return start(host, port, tlsPort, tls, false);
    }

    /** As {@link #start(String, int, int, TlsConfig)}, with an access log on standard error if asked. */
    public static Server start(String host, int port, int tlsPort, TlsConfig tls, boolean accessLog) {
        Server.Builder builder = Server.builder().http(host, port);
        if (tlsPort >= 0) {
            builder.https(host, tlsPort);
            if (tls != null) {
                builder.tls(tls);
            }
        }
        return configure(builder, accessLog);
    }

    /** Starts the demo on {@code host} (null: every address) and {@code port} (0: any free one), cleartext only. */
    public static Server start(String host, int port) {
        return configure(Server.builder().http(host, port), false);
    }

    /** Health, metrics, compression and, if asked, the access log around the demo's routes; starts the server. */
    private static Server configure(Server.Builder builder, boolean accessLog) {
        Health health = new Health();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ShockwaveMetrics metrics = new ShockwaveMetrics(registry);
        builder.health(health).observer(metrics).filter(Compression.gzip());
        if (accessLog) {
            builder.observer(AccessLog.combined());
        }
        Server server = builder.routes(r -> {
            routes(r);
            r.get("/health/live", health.live())
             .get("/health/ready", health.ready())
             .get("/metrics", (req, res) -> res.contentType("text/plain; version=0.0.4; charset=utf-8")
                     .send(registry.scrape()));
        }).start();
        metrics.monitor(server);
        return server;
    }

    /** The demo's routes, for a server that serves them beside its own. */
    public static void routes(Routes r) {
        r.get("/", DemoApp::index)
         .get("/plaintext", (req, res) -> res.contentType(TEXT).send(HELLO))
         .get("/json", (req, res) -> res.contentType(APPLICATION_JSON).send(JSON))
         .post("/echo", DemoApp::echo)
         .get("/stream", DemoApp::stream)
         .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
         .get("/bytes/{n}", DemoApp::bytes)
         .staticFiles("/static", StaticFiles.fromClassPath(DemoApp.class.getClassLoader(), "static")
                 .withCacheControl("max-age=60"));
    }

    /** The most {@code /bytes/{n}} sends: 100 MB. */
    static final long MAX_BYTES = 100_000_000L;
    /** What {@code /bytes/{n}} repeats: byte {@code i} of the body is {@code PATTERN[i % PATTERN.length]}. */
    static final byte[] PATTERN = pattern();

    private static byte[] pattern() {
        byte[] p = new byte[64 * 1024];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    /** {@code n} bytes of a fixed pattern, streamed: downloads of any size, on every protocol. */
    private static void bytes(Request req, Response res) throws IOException {
        long n;
        try {
            n = Long.parseLong(req.pathParam("n"));
        } catch (NumberFormatException e) {
            throw new HttpException(Status.BAD_REQUEST, "n must be a number of bytes");
        }
        if (n < 0 || n > MAX_BYTES) {
            throw new HttpException(Status.BAD_REQUEST, "n must be between 0 and " + MAX_BYTES);
        }
        res.contentType("application/octet-stream").contentLength(n);
        OutputStream out = res.output();
        for (long done = 0; done < n; ) {
            int chunk = (int) Math.min(PATTERN.length, n - done);
            out.write(PATTERN, 0, chunk);
            done += chunk;
        }
    }

    private static void index(Request req, Response res) {
        res.contentType("text/html; charset=utf-8").send("""
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Shockwave</title></head>
                <body>
                <h1>Shockwave</h1>
                <p>This page was served over <strong id="protocol">%s</strong>.</p>
                <ul>
                  <li><a href="/plaintext">/plaintext</a></li>
                  <li><a href="/json">/json</a></li>
                  <li><a href="/stream">/stream</a> (chunked)</li>
                  <li><a href="/users/42">/users/42</a></li>
                  <li><a href="/bytes/1000000">/bytes/1000000</a>: n bytes of a pattern (up to 100 MB)</li>
                  <li>POST /echo echoes the request body</li>
                  <li><a href="/static/">/static/</a>: static files</li>
                  <li><a href="/health/ready">/health/ready</a>, <a href="/health/live">/health/live</a></li>
                  <li><a href="/metrics">/metrics</a> (Prometheus)</li>
                </ul>
                </body>
                </html>
                """.formatted(req.protocol()));
    }

    private static void echo(Request req, Response res) throws IOException {
        String type = req.header(HeaderName.CONTENT_TYPE);
        res.contentType(type != null ? type : "application/octet-stream");
        if (req.contentLength() >= 0) {
            res.contentLength(req.contentLength());
        }
        try (InputStream in = req.body(); OutputStream out = res.output()) {
            in.transferTo(out);
        }
    }

    private static void stream(Request req, Response res) throws IOException {
        res.contentType("text/plain; charset=utf-8");
        OutputStream out = res.output();
        for (int i = 1; i <= 5; i++) {
            out.write(("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        out.close();
    }
}
