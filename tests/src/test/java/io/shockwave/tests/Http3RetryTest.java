package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tech.kwik.flupke.Http3ClientBuilder;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QUIC address validation ({@link Limits#quicRetry}): every new connection first gets a
 * Retry packet with a token (RFC 9000 §8.1.2), and only a client that echoes it is given a
 * handshake. Both independent clients follow it and are served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http3RetryTest {
    private static Server server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Server.builder()
                .https("127.0.0.1", 0)
                .limits(Limits.DEFAULT.withQuicRetry(true))
                .routes(r -> r.get("/plaintext", (req, res) -> res.send("Hello over " + req.protocol())))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** gtlsclient's packet log shows the Retry it received before the handshake. */
    @Test
    void gtlsclientIsServedAfterARetry() throws Exception {
        int port = server.http3Port();
        Tool.Run r = Tool.find("gtlsclient").run(dir, 30, "--exit-on-first-stream-close", "--timeout=10s",
                "--download=" + dir, "127.0.0.1", Integer.toString(port), "https://localhost:" + port + "/plaintext");
        assertTrue(r.stderr().contains("[:status: 200]"), r.stderr());
        assertEquals("Hello over HTTP/3", Files.readString(dir.resolve("plaintext")));
        assertTrue(r.stderr().lines().anyMatch(l -> l.contains("pkt rx") && l.contains("type=Retry")),
                "no Retry in the client's log: " + r.stderr());
    }

    @Test
    void flupkeIsServedAfterARetry() throws Exception {
        HttpResponse<String> r = new Http3ClientBuilder().disableCertificateCheck().connectTimeout(Duration.ofSeconds(10))
                .build()
                .sendAsync(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.http3Port() + "/plaintext"))
                        .build(), HttpResponse.BodyHandlers.ofString())
                .get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("Hello over HTTP/3", r.body());
    }
}
