package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A client that stops reading cannot hold a connection and its handler past the write timeout. */
@Timeout(30)
class WriteTimeoutTest {
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aResponseTheClientNeverReadsIsCutOffAfterTheWriteTimeout() throws Exception {
        CompletableFuture<Throwable> handlerOutcome = new CompletableFuture<>();
        byte[] chunk = new byte[64 * 1024];
        server = Server.builder()
                .http("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withWrite(Duration.ofMillis(500)))
                .routes(r -> r.get("/flood", (req, res) -> {
                    try (OutputStream out = res.output()) {
                        for (int i = 0; i < 16 * 1024; i++) { // 1 GiB: far more than any socket buffer
                            out.write(chunk);
                        }
                        handlerOutcome.complete(null);
                    } catch (Throwable t) {
                        handlerOutcome.complete(t);
                        throw t;
                    }
                }))
                .start();
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            client.getOutputStream().write("GET /flood HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // The client reads nothing; the server's writes stall once the socket buffers fill.
            Throwable failure = handlerOutcome.get(20, TimeUnit.SECONDS);
            assertNotNull(failure, "the handler's write failed instead of completing");
            Await.until(() -> server.stats().connectionsOpen() == 0, Duration.ofSeconds(10),
                    () -> "connections still open: " + server.stats().connectionsOpen());
        }
        // The server serves others as before.
        try (RawClient other = RawClient.connect(server.port())) {
            other.send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(404, other.read().status());
        }
    }
}
