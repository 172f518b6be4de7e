package io.shockwave.benchmarks.peers;

import io.shockwave.runtime.Server;

import java.time.Duration;

/** Shockwave as the demo serves it: routes answering with pre-encoded bodies. */
public final class ShockwaveServer {
    private ShockwaveServer() {
    }

    public static void main(String[] args) {
        int port = Peers.port(args);
        Server server = Server.builder()
                .http(port)
                .routes(r -> r
                        .get(Peers.PLAINTEXT_PATH, (req, res) -> res.contentType(Peers.TEXT_PLAIN).send(Peers.HELLO))
                        .get(Peers.JSON_PATH, (req, res) -> res.contentType(Peers.APPLICATION_JSON).send(Peers.JSON)))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(1))));
        Peers.ready(server.port());
    }
}
