package io.shockwave.tests;

import io.shockwave.runtime.Server;
import tech.kwik.flupke.Http3ClientBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The same request over each protocol through the JDK's client API: HTTP/1.1 in cleartext
 * and HTTP/2 over TLS with the JDK's own client (trusting the server's certificate), HTTP/3
 * with Flupke's. The server needs an {@code http} and an {@code https} listener.
 */
final class Clients {
    enum Protocol { HTTP_1_1, HTTP_2, HTTP_3 }

    private Clients() {
    }

    /** Sends {@code request} (made by {@link #request}: only its path and query count) over {@code protocol}. */
    static HttpResponse<String> send(Server server, Protocol protocol, HttpRequest.Builder request) throws Exception {
        return send(server, protocol, request, HttpResponse.BodyHandlers.ofString());
    }

    static <T> HttpResponse<T> send(Server server, Protocol protocol, HttpRequest.Builder request,
                                    HttpResponse.BodyHandler<T> body) throws Exception {
        URI uri = request.build().uri();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String base = switch (protocol) {
            case HTTP_1_1 -> "http://127.0.0.1:" + server.port();
            case HTTP_2 -> "https://127.0.0.1:" + server.tlsPort();
            case HTTP_3 -> "https://127.0.0.1:" + server.http3Port();
        };
        HttpRequest r = request.copy().uri(URI.create(base + target)).timeout(Duration.ofSeconds(20)).build();
        if (protocol == Protocol.HTTP_3) {
            // A client for each request: once a Flupke client saw its connection fail, it cannot connect again.
            HttpClient h3 = new Http3ClientBuilder().disableCertificateCheck().connectTimeout(Duration.ofSeconds(10)).build();
            return h3.sendAsync(r, body).get(30, TimeUnit.SECONDS);
        }
        HttpClient client = jdk(server, protocol);
        try {
            HttpResponse<T> response = client.send(r, body);
            String expected = protocol == Protocol.HTTP_2 ? "HTTP_2" : "HTTP_1_1";
            if (!response.version().name().equals(expected)) {
                throw new AssertionError("asked for " + expected + ", got " + response.version());
            }
            return response;
        } finally {
            // Not close(): it waits for a body the caller may still be streaming.
            client.shutdown();
        }
    }

    /** A request for {@code target} (a path and query), whose origin {@link #send} fills in. */
    static HttpRequest.Builder request(String target) {
        return HttpRequest.newBuilder(URI.create("http://origin" + target));
    }

    private static HttpClient jdk(Server server, Protocol protocol) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (protocol == Protocol.HTTP_1_1) {
            return b.version(HttpClient.Version.HTTP_1_1).build();
        }
        return b.sslContext(trusting(server)).version(HttpClient.Version.HTTP_2).build();
    }

    /** A TLS context that trusts {@code server}'s certificate, and no other. */
    static SSLContext trusting(Server server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.tls().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
