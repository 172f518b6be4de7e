package io.shockwave.transport.tcp;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.TlsConfig;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * What runs on a connection's virtual threads, whichever socket carries it: the
 * connection limit, the choice of protocol, serving, resuming after the engine suspended,
 * and the bookkeeping once the connection is finished.
 */
final class ConnectionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRunner.class);
    /** How long a refused connection is drained before it is closed; short, since the server is full. */
    private static final int REFUSE_LINGER_MILLIS = 100;
    private static final byte[] UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOTHING = new byte[0];
    private static final ThreadFactory THREADS = Thread.ofVirtual().name("shockwave-connection").factory();

    private final ServerContext context;
    /** The most bytes any protocol needs to recognise a connection; 0 when one claims any. */
    private final int identifyBytes;

    /** The TLS side of the listener, or null for cleartext. */
    private final TlsAcceptor tls;
    /** Whether connections start with a PROXY protocol header. */
    private final boolean proxyProtocol;

    ConnectionRunner(ServerContext context, Listener listener) {
        TlsConfig tls = listener.tls();
        this.proxyProtocol = listener.proxyProtocol();
        this.tls = tls == null ? null : new TlsAcceptor(tls, context.protocols());
        int needed = 0;
        for (ProtocolProvider p : context.protocols()) {
            needed = Math.max(needed, p.bytesToIdentify());
        }
        this.identifyBytes = needed;
        this.context = context;
    }

    /** On the acceptor: tracks the connection and starts its first thread. */
    void start(SocketConnection channel) {
        // Registered here, not on its own thread: stop() closes the listeners, and so
        // joins this thread, before it drains, so every accepted connection is drained.
        context.register(channel);
        if (!startThread(() -> first(channel))) {
            channel.close();
            channel.release();
            context.unregister(channel);
        }
    }

    /** Runs what a suspended connection left on a new thread; closes it if there is none. */
    void resume(SocketConnection channel, Runnable resume) {
        if (!startThread(() -> run(channel, resume::run))) {
            channel.close();
            finish(channel);
        }
    }

    private static boolean startThread(Runnable task) {
        try {
            THREADS.newThread(task).start();
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("Cannot start a connection thread", e);
            return false;
        }
    }

    private void first(SocketConnection channel) {
        long open = context.stats().connectionOpened();
        run(channel, () -> {
            // Full: make room by closing the longest-idle keep-alive connections, as nginx
            // does; refuse only when every connection is busy.
            if (open > context.limits().maxConnections() && !context.evictIdleConnection()) {
                context.stats().connectionRejected();
                refuse(channel);
                return;
            }
            channel.configure();
            if (proxyProtocol && !readProxyHeader(channel)) {
                return;
            }
            ProtocolProvider protocol;
            if (tls != null) {
                TlsSession session = tls.handshake(channel, (int) context.timeouts().requestHead().toMillis());
                if (session == null) {
                    return;
                }
                channel.startTls(session);
                protocol = byAlpn(session.engine().getApplicationProtocol());
            } else {
                protocol = select(channel);
            }
            if (protocol != null) {
                protocol.serve(channel, context);
            }
        });
    }

    /** Reads the PROXY header; false (after one line at debug) when there is no valid one: then the connection closes. */
    private boolean readProxyHeader(SocketConnection channel) throws IOException {
        try {
            java.net.InetSocketAddress client = ProxyHeader.read(channel, context.timeouts().requestHead().toNanos());
            if (client != null) {
                channel.proxiedFrom(client);
            }
            return true;
        } catch (ProxyHeader.Malformed | java.net.SocketTimeoutException e) {
            LOG.debug("Closing the connection from {}: {}", channel.remoteAddress(), e.getMessage());
            return false;
        }
    }

    private interface Work {
        void run() throws IOException;
    }

    /**
     * Runs the engine, and after it either lets the connection go (it suspended: it waits
     * without a thread from here on) or finishes it. A connection woken while it was
     * suspending is resumed right here, on the same thread.
     */
    private void run(SocketConnection channel, Work work) {
        boolean suspended = false;
        try {
            while (true) {
                work.run();
                if (!channel.suspending()) {
                    break;
                }
                Runnable resume = channel.letGo();
                if (resume == null) {
                    suspended = true; // another thread may own the connection now: touch nothing
                    return;
                }
                work = resume::run;
            }
        } catch (IOException e) {
            LOG.debug("Connection from {} ended: {}", channel.remoteAddress(), e.toString());
        } catch (RuntimeException e) {
            context.stats().error();
            LOG.warn("Connection from {} failed", channel.remoteAddress(), e);
        } finally {
            if (!suspended) {
                channel.close();
                finish(channel);
            }
        }
    }

    private void finish(SocketConnection channel) {
        channel.release();
        // Counted as closed before it unregisters: stop() returns once the last one has,
        // and its stats must then show no connection open.
        context.stats().connectionClosed();
        context.unregister(channel);
    }

    /**
     * Sends 503 and closes with a FIN, not a reset: a reset (SO_LINGER 0) can reach the
     * client before it has read the 503, or even fail its connect. What the client sent
     * meanwhile is read and dropped for a moment, since closing with unread bytes resets too.
     */
    private static void refuse(SocketConnection channel) throws IOException {
        channel.write(UNAVAILABLE, 0, UNAVAILABLE.length);
        channel.closeInStages(REFUSE_LINGER_MILLIS, new byte[2048]);
    }

    /** The protocol ALPN chose; HTTP/1.1 when the client offered none the server speaks, or no ALPN at all. */
    private ProtocolProvider byAlpn(String chosen) {
        ProtocolProvider http1 = null;
        for (ProtocolProvider p : context.protocols()) {
            if (p.id().equals(chosen)) {
                return p;
            }
            if (p.id().equals("http/1.1")) {
                http1 = p;
            }
        }
        return http1;
    }

    /**
     * Asks each protocol, highest priority first, whether the first bytes are its own
     * (RFC 9113 §3.4: an h2c client starts with the connection preface). A protocol that
     * needs no bytes to decide is chosen without reading.
     */
    private ProtocolProvider select(SocketConnection channel) throws IOException {
        List<ProtocolProvider> protocols = context.protocols();
        byte[] prefix = NOTHING;
        int have = 0;
        while (true) {
            boolean needMore = false;
            for (ProtocolProvider p : protocols) {
                switch (p.detect(prefix, 0, have)) {
                    case SUPPORTED -> {
                        channel.unread(prefix, have);
                        return p;
                    }
                    case NEED_MORE -> needMore = true;
                    case UNSUPPORTED -> {
                    }
                }
                if (needMore) {
                    break;
                }
            }
            if (!needMore || have == identifyBytes) {
                LOG.debug("No protocol claims the connection from {}", channel.remoteAddress());
                return null;
            }
            if (prefix == NOTHING) {
                prefix = new byte[identifyBytes];
                channel.readTimeout((int) context.timeouts().requestHead().toMillis());
            }
            int n = channel.read(prefix, have, prefix.length - have);
            if (n < 0) {
                return null;
            }
            have += n;
        }
    }
}
