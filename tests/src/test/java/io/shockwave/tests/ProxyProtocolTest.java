package io.shockwave.tests;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol on a listener: versions 1 and 2 as raw bytes (every shape a balancer
 * sends, and the malformed ones), then HAProxy from Debian in front of the server with
 * {@code send-proxy} and {@code send-proxy-v2}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyProtocolTest {
    private static Server server;
    /** Health checks HAProxy made, each through a connection that began with its PROXY header. */
    private static final java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = Server.builder()
                .listener(Listener.of("127.0.0.1", 0).withProxyProtocol(true))
                .routes(r -> r
                        .get("/who", (req, res) -> {
                            InetSocketAddress a = req.remoteAddress();
                            res.send(a.getAddress().getHostAddress() + " " + a.getPort());
                        })
                        .get("/ready", (req, res) -> {
                            checks.incrementAndGet();
                            res.send("ready");
                        }))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static final byte[] GET = "GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Sends {@code header} then a GET, {@code split} bytes at a time; what came back, or "" if the server closed. */
    private static String exchange(byte[] header, int split) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            byte[] all = new byte[header.length + GET.length];
            System.arraycopy(header, 0, all, 0, header.length);
            System.arraycopy(GET, 0, all, header.length, GET.length);
            for (int i = 0; i < all.length; i += split) {
                s.getOutputStream().write(all, i, Math.min(split, all.length - i));
                s.getOutputStream().flush();
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                in.transferTo(out);
            } catch (java.net.SocketException e) {
                // reset by the server: nothing was answered
            }
            String response = out.toString(StandardCharsets.US_ASCII);
            return response.isEmpty() ? "" : response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] v2(int command, int family, byte[] addresses) {
        byte[] h = new byte[16 + addresses.length];
        byte[] sig = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
        System.arraycopy(sig, 0, h, 0, 12);
        h[12] = (byte) (0x20 | command);
        h[13] = (byte) family;
        h[14] = (byte) (addresses.length >> 8);
        h[15] = (byte) addresses.length;
        System.arraycopy(addresses, 0, h, 16, addresses.length);
        return h;
    }

    @Test
    void version1NamesTheClient() throws Exception {
        assertEquals("203.0.113.7 5555", exchange(ascii("PROXY TCP4 203.0.113.7 10.0.0.1 5555 80\r\n"), 4096));
        assertEquals("2001:db8:0:0:0:0:0:9 40000",
                exchange(ascii("PROXY TCP6 2001:db8::9 2001:db8::1 40000 443\r\n"), 4096));
        // A byte at a time: the header is read to its end wherever the reads fall.
        assertEquals("198.51.100.3 1", exchange(ascii("PROXY TCP4 198.51.100.3 10.0.0.1 1 80\r\n"), 1));
        assertEquals("127.0.0.1", exchange(ascii("PROXY UNKNOWN\r\n"), 4096).split(" ")[0]);
    }

    @Test
    void version2NamesTheClient() throws Exception {
        byte[] ipv4 = {(byte) 192, 0, 2, 44, 10, 0, 0, 1, (byte) 0xC3, 0x50, 0, 80};
        assertEquals("192.0.2.44 50000", exchange(v2(1, 0x11, ipv4), 4096));
        byte[] ipv6WithTlv = new byte[36 + 7];
        ipv6WithTlv[0] = 0x20;
        ipv6WithTlv[1] = 0x01;
        ipv6WithTlv[2] = 0x0d;
        ipv6WithTlv[3] = (byte) 0xb8;
        ipv6WithTlv[15] = 0x05;
        ipv6WithTlv[32] = 0x01;
        ipv6WithTlv[33] = 0x02;
        ipv6WithTlv[36] = 0x04; // a NOOP TLV of 4 bytes, skipped
        ipv6WithTlv[38] = 0x04;
        assertEquals("2001:db8:0:0:0:0:0:5 258", exchange(v2(1, 0x21, ipv6WithTlv), 3));
        // LOCAL: the balancer's own health check keeps its address.
        assertEquals("127.0.0.1", exchange(v2(0, 0x00, new byte[0]), 4096).split(" ")[0]);
    }

    @Test
    void aConnectionWithoutAValidHeaderIsClosed() throws Exception {
        assertEquals("", exchange(new byte[0], 4096)); // a plain request: no header at all
        assertEquals("", exchange(ascii("PROXY TCP4 999.0.0.1 10.0.0.1 1 80\r\n"), 4096));
        assertEquals("", exchange(ascii("PROXY TCP4 1.2.3.4 10.0.0.1 65536 80\r\n"), 4096));
        assertEquals("", exchange(ascii("PROXY TCP4 ::1 ::1 1 80\r\n"), 4096));
        assertEquals("", exchange(ascii("PROXY TCP4 1.2.3.4 10.0.0.1 1 80\n"), 4096));
        assertEquals("", exchange(ascii("PROXY " + "x".repeat(200) + "\r\n"), 4096));
        assertEquals("", exchange(v2(2, 0x11, new byte[12]), 4096)); // no such command
        assertEquals("", exchange(v2(1, 0x11, new byte[4]), 4096)); // too short for IPv4
        byte[] huge = v2(1, 0x11, new byte[12]);
        huge[14] = (byte) 0xFF;
        huge[15] = (byte) 0xFF;
        assertEquals("", exchange(huge, 4096));
        // The server still serves a proper one after all that.
        assertEquals("203.0.113.8 1", exchange(ascii("PROXY TCP4 203.0.113.8 10.0.0.1 1 80\r\n"), 4096));
    }

    /**
     * A header dripped a byte at a time, each well within the head timeout: the whole header
     * has one deadline, so the connection is closed long before the header could be complete.
     */
    @Test
    void aHeaderDrippedByteByByteIsCutOffAtTheHeadTimeout() throws Exception {
        Server strict = Server.builder()
                .listener(Listener.of("127.0.0.1", 0).withProxyProtocol(true))
                .timeouts(io.shockwave.runtime.Timeouts.DEFAULT.withRequestHead(Duration.ofMillis(600)))
                .routes(r -> r.get("/who", (req, res) -> res.send("served")))
                .start();
        byte[] header = ascii("PROXY TCP4 203.0.113.7 10.0.0.1 5555 80\r\n");
        try (Socket s = new Socket("127.0.0.1", strict.port())) {
            s.setSoTimeout(20_000);
            java.util.concurrent.CompletableFuture<Integer> closed = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return s.getInputStream().read();
                } catch (IOException e) {
                    return -2; // reset: closed too
                }
            });
            int sent = 0;
            try {
                // A slow client's pace, not a wait for the server: 200 ms a byte, a third of the timeout.
                for (; sent < header.length && !closed.isDone(); sent++) {
                    s.getOutputStream().write(header[sent]);
                    s.getOutputStream().flush();
                    Thread.sleep(200);
                }
            } catch (IOException e) {
                // the server closed while we wrote
            }
            assertTrue(closed.get(20, TimeUnit.SECONDS) < 0, "the server answered a dripped header");
            assertTrue(sent < header.length, "the whole header got through, " + sent + " bytes");
        } finally {
            strict.stop(Duration.ofSeconds(1));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void behindHaproxy() throws Exception {
        int v1 = freePort();
        int v2 = freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                  maxconn 100
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend v1
                  bind 127.0.0.1:%d
                  default_backend send_proxy
                frontend v2
                  bind 127.0.0.1:%d
                  default_backend send_proxy_v2
                backend send_proxy
                  server shockwave 127.0.0.1:%d send-proxy
                backend send_proxy_v2
                  option httpchk GET /ready
                  server shockwave 127.0.0.1:%d send-proxy-v2 check inter 200
                """.formatted(v1, v2, server.port(), server.port()));
        Process haproxy = new ProcessBuilder(Tool.find("haproxy").toString(), "-db", "-f", config.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("haproxy.out").toFile())
                .redirectError(dir.resolve("haproxy.err").toFile())
                .start();
        try {
            // The health checks come through too: HAProxy sends the header on them as well.
            Await.until(() -> checks.get() >= 2, Duration.ofSeconds(20), () -> "no health check got through");
            for (int port : new int[] {v1, v2}) {
                Await.until(() -> accepts(port), Duration.ofSeconds(20), () -> "haproxy does not listen on " + port);
                Tool.Run r = Tool.find("curl").run(dir, 30, "-s", "-w", " %{local_port}",
                        "http://127.0.0.1:" + port + "/who");
                // "127.0.0.1 <curl's own port> <curl's own port>": the server saw curl, not HAProxy.
                String[] parts = r.out().split(" ");
                assertEquals(3, parts.length, r.out() + r.stderr());
                assertEquals("127.0.0.1", parts[0]);
                assertEquals(parts[2], parts[1], "the port the server saw is curl's");
            }
        } finally {
            haproxy.destroy();
            assertTrue(haproxy.waitFor(10, TimeUnit.SECONDS));
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
