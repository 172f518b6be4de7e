package io.shockwave.benchmarks.peers;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.TlsConfig;

import java.time.Duration;

/**
 * Shockwave as the demo serves it: routes answering with pre-encoded bodies. The cleartext
 * listener takes HTTP/1.1 and h2c with prior knowledge; the TLS one offers h2 and http/1.1.
 * With {@code --static DIR}, the files of DIR under {@code /static/} (the static-file table).
 */
public final class ShockwaveServer {
    private ShockwaveServer() {
    }

    public static void main(String[] args) {
        Peers.Options options = Peers.options(args);
        Server.Builder builder = Server.builder()
                .http(options.port())
                .routes(r -> {
                    r.get(Peers.PLAINTEXT_PATH, (req, res) -> res.contentType(Peers.TEXT_PLAIN).send(Peers.HELLO))
                     .get(Peers.JSON_PATH, (req, res) -> res.contentType(Peers.APPLICATION_JSON).send(Peers.JSON));
                    if (options.staticDir() != null) {
                        r.staticFiles("/static", options.staticDir());
                    }
                });
        if (options.tls()) {
            builder.https(options.tlsPort()).tls(TlsConfig.pem(options.cert(), options.key()));
        }
        Server server = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(1))));
        Peers.ready(server.port(), options.tls() ? server.tlsPort() : Peers.Options.NO_TLS);
    }
}
