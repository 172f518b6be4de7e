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
import java.util.List;
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

    /**
     * What a browser does unaided: it loads the demo page over h2, reads the Alt-Svc header
     * of the response, opens QUIC to the advertised port in the background, and loads the
     * page again over HTTP/3. A probe page on the demo's origin loads the demo page with
     * synchronous requests (so that --dump-dom waits for them) until one names HTTP/3; each
     * takes at least 20 ms, so the QUIC handshake has time to finish in the background.
     *
     * <p>Chromium takes QUIC by Alt-Svc only with a certificate from a publicly trusted root,
     * or for a host named in --origin-to-force-quic-on, which takes a host and a port but
     * lifts that check for the host: naming port 1, which nothing requests, lets the
     * self-signed certificate (pinned) through without forcing QUIC on the demo's origin.
     * Without it the QUIC handshake fails with CERTIFICATE_VERIFY_FAILED (seen in a net-log).
     */
    @Test
    void switchesFromHttp2ToHttp3ByAltSvc() throws Exception {
        Server both = Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .routes(r -> {
                    DemoApp.routes(r);
                    r.get("/probe", (req, res) -> res.contentType("text/html; charset=utf-8").send(PROBE_PAGE));
                    r.get("/paced", (req, res) -> {
                        Thread.sleep(20);
                        res.send(req.protocol());
                    });
                })
                .start();
        try {
            Tool.Run r = dumpDom("https://127.0.0.1:" + both.tlsPort() + "/probe",
                    "--ignore-certificate-errors-spki-list=" + both.tls().spkiSha256(),
                    "--origin-to-force-quic-on=127.0.0.1:1");
            assertEquals(0, r.exit(), r.stderr());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("<pre id=\"log\">([^<]*)</pre>")
                    .matcher(r.out());
            assertTrue(m.find(), r.out());
            List<String> seen = List.of(m.group(1).trim().split(" "));
            assertEquals("HTTP/2", seen.get(0), "the first load goes over h2: " + seen);
            assertEquals("HTTP/3", seen.get(seen.size() - 1), "a later one over HTTP/3: " + seen);
        } finally {
            both.stop(Duration.ofSeconds(5));
        }
    }

    /** The demo's static folder: the page, its stylesheet and its script, the script reporting the protocol. */
    @Test
    void loadsStaticFilesOverHttp2AndHttp3() throws Exception {
        String pin = "--ignore-certificate-errors-spki-list=" + server.tls().spkiSha256();
        Tool.Run h2 = dumpDom("https://127.0.0.1:" + server.tlsPort() + "/static/", pin);
        assertEquals(0, h2.exit(), h2.stderr());
        assertTrue(h2.out().contains("<h1>Static files</h1>"), h2.out());
        assertTrue(h2.out().contains("The script ran over h2."), h2.out());
        String origin = "127.0.0.1:" + server.http3Port();
        // Another URL: the first load's page is in the profile's cache (max-age=60), with the protocol it came by.
        Tool.Run h3 = dumpDom("https://" + origin + "/static/index.html?again", pin, "--enable-quic",
                "--origin-to-force-quic-on=" + origin);
        assertEquals(0, h3.exit(), h3.stderr());
        assertTrue(h3.out().contains("The script ran over h3."), h3.out());
    }

    /** The SSE sample's page: an EventSource gets three events over h2 and closes. */
    @Test
    void receivesServerSentEvents() throws Exception {
        Server sse = io.shockwave.samples.sse.SseApp.start(Server.builder().http("127.0.0.1", 0).https("127.0.0.1", 0));
        try {
            Tool.Run r = dumpDom("https://127.0.0.1:" + sse.tlsPort() + "/?count=3",
                    "--ignore-certificate-errors-spki-list=" + sse.tls().spkiSha256(), "--virtual-time-budget=10000");
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.out().contains("<li>tick 3 over HTTP/2</li>"), r.out());
            assertTrue(r.out().contains("<span id=\"status\">done</span>"), r.out());
        } finally {
            sse.stop(Duration.ofSeconds(2));
        }
    }

    /**
     * Loads the demo page, then (paced by /paced) loads it again until it names HTTP/3, at most
     * 100 times; the protocols seen go into #log.
     */
    private static final String PROBE_PAGE = """
            <!doctype html>
            <html><body><pre id="log"></pre><script>
            function get(path) {
              var x = new XMLHttpRequest();
              x.open('GET', path, false);
              x.send();
              return x.responseText;
            }
            var seen = [];
            for (var i = 0; i < 100; i++) {
              var m = /<strong id="protocol">([^<]*)</.exec(get('/?load=' + i));
              seen.push(m ? m[1] : 'none');
              if (m && m[1] === 'HTTP/3') break;
              get('/paced');
            }
            document.getElementById('log').textContent = seen.join(' ');
            </script></body></html>
            """;

    /** Without the pin, the self-signed certificate is refused: the page never arrives. */
    @Test
    void refusesTheCertificateWithoutThePin() throws Exception {
        Tool.Run r = dumpDom("https://127.0.0.1:" + server.tlsPort() + "/");
        assertTrue(!r.out().contains("id=\"protocol\""), r.out());
    }
}
