package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.TlsConfig;
import io.shockwave.samples.demo.DemoApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS with ALPN on the demo's TLS listener, through curl, nghttp, h2load and the JDK client. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsTest {
    private static Server server;
    private static String base;
    private static Path certificate;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = DemoApp.start("127.0.0.1", 0, 0, null);
        base = "https://127.0.0.1:" + server.tlsPort();
        certificate = dir.resolve("server.pem");
        Files.writeString(certificate, server.tls().certificatePem());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private static Tool.Run curl(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "--silent";
        all[1] = "--show-error";
        all[2] = "--cacert";
        all[3] = certificate.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return Tool.find("curl").run(dir, 30, all);
    }

    /** The generated certificate names 127.0.0.1 and verifies against itself; ALPN picks h2. */
    @Test
    void curlGetsHttp2ByAlpnWithAVerifiedCertificate() throws Exception {
        Tool.Run r = curl("--http2", "--include", base + "/");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/2 200"), r.out());
        assertTrue(r.out().contains("<strong id=\"protocol\">HTTP/2</strong>"), r.out());
    }

    @Test
    void curlGetsHttp11WhenItAsksForIt() throws Exception {
        Tool.Run r = curl("--http1.1", "--include", base + "/");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/1.1 200"), r.out());
        assertTrue(r.out().contains("<strong id=\"protocol\">HTTP/1.1</strong>"), r.out());
    }

    /** A client that offers no ALPN gets HTTP/1.1. */
    @Test
    void clientWithoutAlpnGetsHttp11() throws Exception {
        Tool.Run r = curl("--no-alpn", "--include", base + "/plaintext");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/1.1 200"), r.out());
    }

    /** A client whose ALPN offers nothing the server speaks is served HTTP/1.1, not refused (RFC 7301 allows either). */
    @Test
    void unknownAlpnProtocolsGetHttp11() throws Exception {
        SSLContext ssl = Clients.trusting(server);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", server.tlsPort())) {
            s.setSoTimeout(10_000);
            javax.net.ssl.SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"spdy/3", "h3"});
            s.setSSLParameters(p);
            s.startHandshake();
            assertEquals("", s.getApplicationProtocol());
            s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
            assertTrue(answer.endsWith("Hello, World!"), answer);
        }
    }

    @Test
    void servesTls12Too() throws Exception {
        Tool.Run r = curl("--tlsv1.2", "--tls-max", "1.2", "--http2", "--include", base + "/plaintext");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().startsWith("HTTP/2 200"), r.out());
    }

    /** The pin the server logs is the certificate's: curl accepts the key it pins. */
    @Test
    void spkiPinMatchesTheCertificate() throws Exception {
        Tool.Run r = Tool.find("curl").run(dir, 30, "--silent", "--show-error", "--insecure",
                "--pinnedpubkey", "sha256//" + server.tls().spkiSha256(), base + "/plaintext");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("Hello, World!", r.out());
        Tool.Run wrong = Tool.find("curl").run(dir, 30, "--silent", "--insecure",
                "--pinnedpubkey", "sha256//" + Base64.getEncoder().encodeToString(new byte[32]), base + "/plaintext");
        assertTrue(wrong.exit() != 0, "a wrong pin must fail");
    }

    @Test
    void uploadAndDownloadOverTls() throws Exception {
        byte[] content = new byte[2_000_000];
        new Random(443).nextBytes(content);
        Path upload = dir.resolve("upload");
        Files.write(upload, content);
        Path download = dir.resolve("download");
        Tool.Run r = curl("--http2", "--data-binary", "@" + upload, "--output", download.toString(), base + "/echo");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(content, Files.readAllBytes(download));
        Tool.Run h1 = curl("--http1.1", "--data-binary", "@" + upload, "--output", download.toString(), base + "/echo");
        assertEquals(0, h1.exit(), h1.stderr());
        assertArrayEquals(content, Files.readAllBytes(download));
    }

    @Test
    void jdkClientTrustingTheCertificateGetsHttp2() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(Clients.trusting(server)).version(HttpClient.Version.HTTP_2).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/users/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                assertEquals("user " + i, r.body());
            }
        }
    }

    @Test
    void nghttpAndH2loadOverTls() throws Exception {
        Tool.Run n = Tool.find("nghttp").run(dir, 30, "-n", "-s", "-m", "20", base + "/json");
        assertEquals(0, n.exit(), n.stderr() + n.out());
        Tool.Run h = Tool.find("h2load").run(dir, 60, "-n", "10000", "-c", "4", "-m", "16", base + "/plaintext");
        assertEquals(0, h.exit(), h.stderr() + h.out());
        assertTrue(h.out().contains("Application protocol: h2"), h.out());
        Matcher m = Pattern.compile("(\\d+) succeeded, (\\d+) failed").matcher(h.out());
        assertTrue(m.find(), h.out());
        assertEquals("10000", m.group(1));
    }

    /**
     * RFC 8446 §6.1: a connection the server ends is ended with close_notify before the FIN,
     * so the client can tell the end of the data from a cut connection (OpenSSL reports
     * "unexpected eof while reading" otherwise). Only where a write can be tried without
     * waiting (epoll): on JDK sockets a close must not block on a client that does not read.
     */
    @Test
    void endsTheConnectionWithCloseNotify() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse("false".equals(System.getProperty("shockwave.tcp.epoll")),
                "the portable transport sends no close_notify");
        Path request = dir.resolve("request.txt");
        Files.writeString(request, "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Process p = new ProcessBuilder(Tool.find("openssl").toString(), "s_client", "-connect",
                "127.0.0.1:" + server.tlsPort(), "-quiet", "-ign_eof")
                .redirectInput(request.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "openssl s_client did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("Hello, World!"), out);
        assertTrue(!out.contains("unexpected eof"), out);
    }

    /** Plain HTTP to the TLS port gets a 400 in plain text and a close, as nginx answers it. */
    @Test
    void plainHttpOnTheTlsPortGets400() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.tlsPort()), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.contains("Connection: close"), answer);
        }
    }

    /** A handshake that does not finish within the head timeout is closed; garbage is closed at once. */
    @Test
    void stalledHandshakeAndGarbageAreClosed() throws Exception {
        Server quick = Server.builder().https("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withRequestHead(Duration.ofMillis(500)))
                .routes(r -> r.get("/", (req, res) -> res.send("x"))).start();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", quick.tlsPort()), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a record header, and nothing more
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "closed once the handshake timed out");
        } finally {
            quick.stop(Duration.ofSeconds(1));
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.tlsPort()), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {0x01, 0x02, 0x03, 0x04});
            assertEquals(-1, s.getInputStream().read());
        }
    }

    /** Certificates from PEM files (a chain and a PKCS#8 key) and from a PKCS#12 store. */
    @Test
    void loadsPemAndPkcs12() throws Exception {
        TlsConfig made = TlsConfig.selfSigned();
        Path cert = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, made.certificatePem());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(made.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        TlsConfig pem = TlsConfig.pem(cert, key);
        assertEquals(made.spkiSha256(), pem.spkiSha256());

        Path p12 = dir.resolve("store.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("k", made.privateKey(), "secret".toCharArray(), made.chain().toArray(new java.security.cert.Certificate[0]));
        try (OutputStream out = Files.newOutputStream(p12)) {
            store.store(out, "secret".toCharArray());
        }
        TlsConfig fromStore = TlsConfig.pkcs12(p12, "secret".toCharArray());
        assertEquals(made.spkiSha256(), fromStore.spkiSha256());

        Server s = Server.builder().https("127.0.0.1", 0).tls(pem).routes(r -> r.get("/", (req, res) -> res.send("pem"))).start();
        try {
            Path trust = dir.resolve("pem-trust.pem");
            Files.writeString(trust, pem.certificatePem());
            Tool.Run r = Tool.find("curl").run(dir, 30, "--silent", "--show-error", "--cacert", trust.toString(),
                    "https://127.0.0.1:" + s.tlsPort() + "/");
            assertEquals(0, r.exit(), r.stderr());
            assertEquals("pem", r.out());
        } finally {
            s.stop(Duration.ofSeconds(1));
        }
    }
}
