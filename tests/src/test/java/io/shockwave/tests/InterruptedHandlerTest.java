package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A handler that leaves its thread interrupted (say, it restored the flag after catching
 * InterruptedException) and then writes more than the socket takes at once: the wait for
 * room fails at once and the connection ends, as with the JDK's own sockets, instead of
 * spinning until the write timeout. Other connections are not affected.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InterruptedHandlerTest {
    /** More than loopback's socket buffers on both sides hold, so the server must wait for room. */
    private static final int BIG = 64 * 1024 * 1024;
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withWrite(Duration.ofSeconds(25)))
                .routes(r -> r
                        .get("/interrupted", (req, res) -> {
                            Thread.currentThread().interrupt();
                            res.send(new byte[BIG]);
                        })
                        .get("/hello", (req, res) -> res.send("hello")))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void anInterruptedHandlersLargeResponseEndsTheConnectionPromptly() throws IOException {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write("GET /interrupted HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Nothing is read until the server has given up: spinning, it would hold the
            // connection until the write timeout (25 s).
            Await.until(() -> server.stats().connectionsAccepted() == 1 && server.stats().connectionsOpen() == 0,
                    Duration.ofSeconds(10), () -> "still open: " + server.stats());
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    received += n;
                }
            } catch (java.net.SocketException reset) {
                // a reset is as good an end as a FIN here
            }
            assertTrue(received < BIG, "the whole response arrived: the interrupt was ignored");
        }
        try (RawClient c = RawClient.connect(server.port())) {
            assertEquals("hello", c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
        }
    }
}
