package io.shockwave.transport.tcp;

import io.shockwave.runtime.TlsConfig;
import io.shockwave.runtime.spi.ProtocolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The TLS side of a listener: the server's handshake on each accepted connection, with
 * ALPN choosing {@code h2} before {@code http/1.1} (a client that offers neither, or no
 * ALPN, gets HTTP/1.1), within the handshake's own deadline. A client that speaks plain
 * HTTP to this port gets a 400 in plain text, as nginx and Jetty answer it.
 */
final class TlsAcceptor {
    private static final Logger LOG = LoggerFactory.getLogger(TlsAcceptor.class);
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;
    private static final byte[] PLAIN_HTTP = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 41\r\nConnection: close\r\n\r\nThis port speaks TLS: use https:// here.\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final int PLAIN_LINGER_MILLIS = 500;

    /**
     * TLS 1.3's suites, and of TLS 1.2's only ephemeral key exchange with AEAD: what RFC 9113
     * §9.2.2 asks of h2, and no CBC for HTTP/1.1 either.
     */
    private static String[] allowedSuites(String[] enabled) {
        return java.util.Arrays.stream(enabled)
                .filter(c -> c.startsWith("TLS_AES_") || c.startsWith("TLS_CHACHA20_")
                        || (c.startsWith("TLS_ECDHE_") && (c.contains("_GCM_") || c.contains("CHACHA20"))))
                .toArray(String[]::new);
    }

    private final TlsConfig config;
    /** What ALPN may choose, most preferred first: the protocols on the path that TLS can carry. */
    private final List<String> protocols;

    private final String[] suites;

    TlsAcceptor(TlsConfig config, List<ProtocolProvider> providers) {
        this.config = config;
        this.suites = allowedSuites(config.sslContext().createSSLEngine().getEnabledCipherSuites());
        this.protocols = providers.stream().map(ProtocolProvider::id)
                .filter(id -> id.equals("h2") || id.equals("http/1.1")).toList();
    }

    /**
     * Runs the handshake; returns the session, or null when the connection is done with
     * (a failed or timed-out handshake, or plain HTTP answered with 400).
     */
    TlsSession handshake(SocketConnection channel, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        SSLEngine engine = config.sslContext().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        parameters.setCipherSuites(suites);
        parameters.setUseCipherSuitesOrder(true);
        engine.setSSLParameters(parameters);
        engine.setHandshakeApplicationProtocolSelector((e, offered) -> {
            for (String p : protocols) {
                if (offered.contains(p)) {
                    return p;
                }
            }
            return ""; // none in common: no ALPN (null would be a fatal alert), and HTTP/1.1
        });

        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        netIn.limit(0);
        if (!readMore(channel, netIn, deadline)) {
            return null;
        }
        if (netIn.get(0) != TLS_HANDSHAKE_RECORD) {
            refusePlaintext(channel, netIn);
            return null;
        }
        TlsSession session = new TlsSession(engine, channel, netIn);
        ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        try {
            engine.beginHandshake();
            while (true) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.debug("TLS handshake with {} timed out", channel.remoteAddress());
                    return null;
                }
                switch (engine.getHandshakeStatus()) {
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        SSLEngineResult r = engine.unwrap(netIn, appIn);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            netIn.compact().flip();
                            if (netIn.limit() == netIn.capacity()) {
                                ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                                bigger.put(netIn).flip();
                                netIn = bigger;
                            }
                            if (!readMore(channel, netIn, deadline)) {
                                return null;
                            }
                        } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                            // The session's sizes grow with a large record (a padded ClientHello).
                            appIn = enlarge(appIn, engine.getSession().getApplicationBufferSize());
                        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            return null;
                        }
                    }
                    case NEED_WRAP -> {
                        netOut.clear();
                        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), netOut);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                            // As above: a record larger than the buffer sized before it.
                            netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2,
                                    engine.getSession().getPacketBufferSize()));
                            continue;
                        }
                        netOut.flip();
                        channel.write(netOut.array(), 0, netOut.limit());
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            return null;
                        }
                    }
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        session.adopt(netIn, appIn.flip());
                        return session;
                    }
                }
            }
        } catch (SSLException e) {
            LOG.debug("TLS handshake with {} failed: {}", channel.remoteAddress(), e.getMessage());
            sendAlert(channel, engine, netOut);
            return null;
        } catch (SocketTimeoutException e) {
            LOG.debug("TLS handshake with {} timed out", channel.remoteAddress());
            return null;
        }
    }

    private static ByteBuffer enlarge(ByteBuffer written, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(written.capacity() * 2, atLeast));
        written.flip();
        bigger.put(written);
        return bigger;
    }

    /** Reads ciphertext after what {@code buf} holds (position..limit); false at the end or the deadline. */
    private static boolean readMore(SocketConnection channel, ByteBuffer buf, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            LOG.debug("TLS handshake with {} timed out", channel.remoteAddress());
            return false;
        }
        channel.readTimeout((int) left);
        int at = buf.limit();
        int n;
        try {
            n = channel.read(buf.array(), at, buf.capacity() - at);
        } catch (SocketTimeoutException e) {
            LOG.debug("TLS handshake with {} timed out", channel.remoteAddress());
            return false;
        }
        if (n < 0) {
            return false;
        }
        buf.limit(at + n);
        return true;
    }

    /** The alert the failed handshake left to send (handshake_failure, say), best effort. */
    private static void sendAlert(SocketConnection channel, SSLEngine engine, ByteBuffer netOut) {
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(ByteBuffer.allocate(0), netOut);
            netOut.flip();
            if (netOut.hasRemaining()) {
                channel.write(netOut.array(), 0, netOut.limit());
            }
        } catch (IOException ignored) {
            // the client is gone or sent garbage: nothing more to say
        }
    }

    /** Plain HTTP on the TLS port: a 400 in plain text, then the connection closes in stages. */
    private static void refusePlaintext(SocketConnection channel, ByteBuffer received) throws IOException {
        byte first = received.get(0);
        if (first >= 'A' && first <= 'Z') {
            LOG.debug("Plain HTTP from {} on the TLS port", channel.remoteAddress());
            channel.write(PLAIN_HTTP, 0, PLAIN_HTTP.length);
            channel.closeInStages(PLAIN_LINGER_MILLIS, new byte[1024]);
        } else {
            LOG.debug("Neither TLS nor HTTP from {} on the TLS port", channel.remoteAddress());
        }
    }
}
