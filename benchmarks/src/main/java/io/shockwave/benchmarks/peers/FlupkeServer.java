package io.shockwave.benchmarks.peers;

import tech.kwik.core.QuicConnection;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;
import tech.kwik.flupke.server.Http3ApplicationProtocolFactory;

import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The baseline for Shockwave's HTTP/3: a bare Kwik 0.10.8 + Flupke 0.9.4 server with a
 * trivial handler ({@code /plaintext}), on UDP {@code --tls-port} with the PEM certificate,
 * and Kwik's connection settings as Shockwave chooses them. HTTP/3 only: no TCP listener.
 */
public final class FlupkeServer {
    private FlupkeServer() {
    }

    public static void main(String[] args) throws Exception {
        Peers.Options o = Peers.options(args);
        if (o.tlsPort() == Peers.Options.NO_TLS) {
            throw new IllegalArgumentException("HTTP/3 needs --tls-port, --cert and --key");
        }
        ServerConnectionConfig config = ServerConnectionConfig.builder()
                .maxIdleTimeout(30_000)
                .maxOpenPeerInitiatedBidirectionalStreams(128)
                .maxOpenPeerInitiatedUnidirectionalStreams(8)
                .maxBidirectionalStreamBufferSize(256 * 1024)
                .maxUnidirectionalStreamBufferSize(64 * 1024)
                .maxConnectionBufferSize(4 * 1024 * 1024)
                .retryRequired(false)
                .connectionIdLength(8)
                .build();
        // Kwik's PEM reader takes RSA keys only: the EC key goes in through a keystore.
        io.shockwave.runtime.TlsConfig tls = io.shockwave.runtime.TlsConfig.pem(o.cert(), o.key());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = new char[0];
        ks.setKeyEntry("peer", tls.privateKey(), password, tls.chain().toArray(new java.security.cert.Certificate[0]));
        ServerConnector connector = ServerConnector.builder()
                .withSocket(new DatagramSocket(new InetSocketAddress(o.tlsPort())))
                .withKeyStore(ks, "peer", password, "secp256r1")
                .withSupportedVersions(List.of(QuicConnection.QuicVersion.V1))
                .withConfiguration(config)
                .withLogger(new NullLogger())
                .build();
        connector.registerApplicationProtocol("h3", new Http3ApplicationProtocolFactory((request, response) -> {
            if (!request.path().equals(Peers.PLAINTEXT_PATH)) {
                response.setStatus(404);
                response.getOutputStream().close();
                return;
            }
            response.setStatus(200);
            response.addHeader("content-type", Peers.TEXT_PLAIN);
            response.addHeader("content-length", Integer.toString(Peers.HELLO.length));
            OutputStream out = response.getOutputStream();
            out.write(Peers.HELLO);
            out.close();
        }));
        connector.start();
        Peers.ready(o.port(), o.tlsPort());
        Thread.currentThread().join();
    }
}
