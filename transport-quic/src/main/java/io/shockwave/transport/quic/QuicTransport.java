package io.shockwave.transport.quic;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.TlsConfig;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ServerContext;
import io.shockwave.runtime.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;
import tech.kwik.core.QuicConstants;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.interfaces.ECKey;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * QUIC on UDP through Kwik, on the port and address of a TLS listener and with its
 * certificate. Every setting of Kwik's server connection is chosen here: its defaults
 * leave several at 0.
 */
public final class QuicTransport implements TransportProvider {
    private static final Logger LOG = LoggerFactory.getLogger(QuicTransport.class);
    private static final String ALIAS = "shockwave";
    /** As HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS: request streams a client may have open. */
    public static final int MAX_REQUEST_STREAMS = 128;
    /** HTTP/3 needs three (control, QPACK encoder and decoder); a few more for extensions the server ignores. */
    public static final int MAX_UNIDIRECTIONAL_STREAMS = 8;
    /** Receive window of a request stream: what a client may send ahead of the handler's reads. */
    static final long STREAM_WINDOW = 256 * 1024;
    static final long UNIDIRECTIONAL_WINDOW = 64 * 1024;
    static final long CONNECTION_WINDOW = 4 * 1024 * 1024;

    @Override
    public String name() {
        return "quic";
    }

    /** Only with an application protocol to serve: HTTP/3 on the path. */
    @Override
    public boolean available() {
        return ServiceLoader.load(QuicProtocolProvider.class, QuicTransport.class.getClassLoader()).findFirst().isPresent();
    }

    @Override
    public Binding bind(Listener listener, ServerContext context) throws IOException {
        TlsConfig tls = listener.tls();
        if (tls == null) {
            throw new IllegalArgumentException("QUIC needs a TLS certificate: bind it beside an https listener");
        }
        InetSocketAddress address = listener.host() == null ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(listener.host(), listener.port());
        GuardedDatagramSocket socket = new GuardedDatagramSocket(address);
        try {
            ServerConnectionConfig config = ServerConnectionConfig.builder()
                    .maxIdleTimeout((int) Math.min(Integer.MAX_VALUE, context.timeouts().idle().toMillis()))
                    .maxOpenPeerInitiatedBidirectionalStreams(MAX_REQUEST_STREAMS)
                    .maxOpenPeerInitiatedUnidirectionalStreams(MAX_UNIDIRECTIONAL_STREAMS)
                    .maxBidirectionalStreamBufferSize(STREAM_WINDOW)
                    .maxUnidirectionalStreamBufferSize(UNIDIRECTIONAL_WINDOW)
                    .maxConnectionBufferSize(CONNECTION_WINDOW)
                    // No Retry: Kwik 0.10.8 builds the whole connection (its threads included)
                    // before it sends the Retry, and arms no timer that ends it if the client never
                    // comes back with the token; a flood of spoofed Initials would leak them all.
                    .retryRequired(false)
                    .connectionIdLength(8)
                    .build();
            char[] password = new char[0];
            ServerConnector connector = ServerConnector.builder()
                    .withSocket(socket)
                    .withKeyStore(keyStore(tls, password), ALIAS, password, tls.privateKey() instanceof ECKey ? "secp256r1" : null)
                    .withSupportedVersions(List.of(QuicConnection.QuicVersion.V1, QuicConnection.QuicVersion.V2))
                    .withConfiguration(config)
                    .withLogger(new KwikLog())
                    .build();
            AtomicBoolean accepting = new AtomicBoolean(true);
            InetSocketAddress bound = (InetSocketAddress) socket.getLocalSocketAddress();
            List<String> protocols = ServiceLoader.load(QuicProtocolProvider.class, QuicTransport.class.getClassLoader())
                    .stream().map(ServiceLoader.Provider::get)
                    .peek(p -> connector.registerApplicationProtocol(p.alpn(),
                            new GatedFactory(p.connectionFactory(context, bound), accepting)))
                    .map(QuicProtocolProvider::alpn).toList();
            connector.start();
            LOG.debug("QUIC ({}) on UDP {}", protocols, bound);
            return new QuicBinding(connector, accepting, bound);
        } catch (GeneralSecurityException | RuntimeException e) {
            socket.close();
            throw new IOException("cannot start QUIC on " + address + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStore(TlsConfig tls, char[] password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, tls.privateKey(), password, tls.chain().toArray(new Certificate[0]));
        return ks;
    }

    /**
     * A bound QUIC listener. Closing it refuses new connections at once; the socket and
     * Kwik's threads stay until the server has drained the connections it has.
     */
    private record QuicBinding(ServerConnector connector, AtomicBoolean accepting, InetSocketAddress address)
            implements Binding {
        @Override
        public void close() {
            accepting.set(false);
        }

        @Override
        public void drained() {
            connector.close();
        }
    }

    /**
     * The protocol's factory behind a gate: once the listener is closed, a connection that
     * completes its handshake is closed with CONNECTION_REFUSED instead of being served
     * (Kwik's own way to stop accepting is not exported).
     */
    private record GatedFactory(ApplicationProtocolConnectionFactory protocol, AtomicBoolean accepting)
            implements ApplicationProtocolConnectionFactory {
        @Override
        public ApplicationProtocolConnection createConnection(String alpn, QuicConnection connection) {
            KwikEarlyData.refuse(connection); // before Kwik writes this connection's session ticket
            if (!accepting.get()) {
                connection.close(QuicConstants.TransportErrorCode.CONNECTION_REFUSED, "server stopping");
                return new ApplicationProtocolConnection() {
                };
            }
            return protocol.createConnection(alpn, connection);
        }

        @Override
        public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
            return protocol.maxConcurrentPeerInitiatedUnidirectionalStreams();
        }

        @Override
        public long maxTotalPeerInitiatedUnidirectionalStreams() {
            return protocol.maxTotalPeerInitiatedUnidirectionalStreams();
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return protocol.maxConcurrentPeerInitiatedBidirectionalStreams();
        }

        @Override
        public long maxTotalPeerInitiatedBidirectionalStreams() {
            return protocol.maxTotalPeerInitiatedBidirectionalStreams();
        }

        @Override
        public int minUnidirectionalStreamReceiverBufferSize() {
            return protocol.minUnidirectionalStreamReceiverBufferSize();
        }

        @Override
        public long maxUnidirectionalStreamReceiverBufferSize() {
            return protocol.maxUnidirectionalStreamReceiverBufferSize();
        }

        @Override
        public int minBidirectionalStreamReceiverBufferSize() {
            return protocol.minBidirectionalStreamReceiverBufferSize();
        }

        @Override
        public long maxBidirectionalStreamReceiverBufferSize() {
            return protocol.maxBidirectionalStreamReceiverBufferSize();
        }

        @Override
        public boolean enableDatagramExtension() {
            return protocol.enableDatagramExtension();
        }
    }
}
