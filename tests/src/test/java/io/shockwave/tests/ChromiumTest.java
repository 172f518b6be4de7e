package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.samples.demo.DemoApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser: headless Chromium (Debian's, which .ci/run installs) loads the demo page over
 * TLS, trusting the generated certificate by the SPKI pin the server logs, and reads the
 * protocol the page names. Chromium speaks HTTP/2 only over TLS with ALPN.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChromiumTest {
    private static Server server;

    @TempDir
    Path profile;

    @BeforeAll
    static void start() {
        server = DemoApp.start("127.0.0.1", 0, 0, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private Tool.Run dumpDom(String url, String... extra) throws Exception {
        String[] args = new String[6 + extra.length];
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        String[] fixed = {"--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile, "--dump-dom"};
        System.arraycopy(fixed, 0, args, 0, 6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = url;
        return Tool.find("chromium").run(profile, 90, all);
    }

    @Test
    void loadsTheDemoPageOverHttp2WithThePinnedCertificate() throws Exception {
        Tool.Run r = dumpDom("https://127.0.0.1:" + server.tlsPort() + "/",
                "--ignore-certificate-errors-spki-list=" + server.tls().spkiSha256());
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("<strong id=\"protocol\">HTTP/2</strong>"), r.out());
    }

    /** Chromium forced onto QUIC for the demo's origin: the page names HTTP/3. */
    @Test
    void loadsTheDemoPageOverHttp3WhenForcedOntoQuic() throws Exception {
        String origin = "127.0.0.1:" + server.http3Port();
        Tool.Run r = dumpDom("https://" + origin + "/",
                "--ignore-certificate-errors-spki-list=" + server.tls().spkiSha256(),
                "--enable-quic", "--origin-to-force-quic-on=" + origin);
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("<strong id=\"protocol\">HTTP/3</strong>"), r.out());
    }

    /** Without the pin, the self-signed certificate is refused: the page never arrives. */
    @Test
    void refusesTheCertificateWithoutThePin() throws Exception {
        Tool.Run r = dumpDom("https://127.0.0.1:" + server.tlsPort() + "/");
        assertTrue(!r.out().contains("id=\"protocol\""), r.out());
    }
}
