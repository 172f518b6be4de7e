package io.shockwave.transport.tcp;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets of one {@link Listener}: one, or with SO_REUSEPORT several that
 * the kernel balances between, each with an acceptor thread that starts a virtual
 * thread per connection.
 */
final class TcpBinding implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(TcpBinding.class);
    private static final int BACKLOG = 1024;
    /** How long a refused connection is drained before it is closed; short, since the server is full. */
    private static final long REFUSE_LINGER_NANOS = 100_000_000L;
    private static final byte[] UNAVAILABLE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOTHING = new byte[0];
    private static final Thread.Builder CONNECTIONS = Thread.ofVirtual().name("shockwave-connection");

    private final ServerContext context;
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final boolean quickAck;
    /** The most bytes any protocol needs to recognise a connection; 0 when one claims any. */
    private final int identifyBytes;
    private volatile boolean closed;

    private TcpBinding(ServerContext context, boolean quickAck) {
        int needed = 0;
        for (ProtocolProvider p : context.protocols()) {
            needed = Math.max(needed, p.bytesToIdentify());
        }
        this.identifyBytes = needed;
        this.context = context;
        this.quickAck = quickAck;
    }

    static TcpBinding open(Listener listener, ServerContext context) throws IOException {
        InetSocketAddress address = listener.host() == null
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
        TcpBinding binding = new TcpBinding(context, supportsQuickAck());
        try {
            for (int i = 0; i < listener.acceptors(); i++) {
                ServerSocket socket = new ServerSocket();
                binding.sockets.add(socket);
                socket.setReuseAddress(true);
                if (listener.reusePort()) {
                    socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                socket.bind(address, BACKLOG);
                // Later sockets join the port the first one got, when it was ephemeral.
                address = new InetSocketAddress(address.getAddress(), socket.getLocalPort());
            }
        } catch (IOException | RuntimeException e) {
            binding.close();
            throw e;
        }
        for (int i = 0; i < binding.sockets.size(); i++) {
            ServerSocket socket = binding.sockets.get(i);
            // Not daemon: a started server keeps the JVM alive until it is stopped.
            Thread t = Thread.ofPlatform().daemon(false).name("shockwave-acceptor-" + socket.getLocalPort() + "-" + i)
                    .unstarted(() -> binding.accept(socket));
            binding.acceptors.add(t);
            t.start();
        }
        return binding;
    }

    private static boolean supportsQuickAck() {
        try (Socket probe = new Socket()) {
            return probe.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private void accept(ServerSocket server) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Accept failed on {}", server.getLocalSocketAddress(), e);
                    pause();
                }
                continue;
            }
            TcpChannel channel;
            try {
                channel = new TcpChannel(socket, context);
            } catch (IOException e) {
                LOG.debug("Accepted connection already gone: {}", e.toString());
                closeQuietly(socket);
                continue;
            }
            // Registered here, not on its own thread: stop() closes the listeners, and so
            // joins this thread, before it drains, so every accepted connection is drained.
            context.register(channel);
            try {
                CONNECTIONS.start(() -> serve(channel));
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.warn("Cannot start a connection thread", e);
                channel.close();
                context.unregister(channel);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10); // e.g. out of file descriptors: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on the connection's own virtual thread. */
    private void serve(TcpChannel channel) {
        long open = context.stats().connectionOpened();
        Socket socket = channel.socket();
        try {
            if (open > context.limits().maxConnections()) {
                context.stats().connectionRejected();
                refuse(socket);
                return;
            }
            configure(socket);
            ProtocolProvider protocol = select(channel);
            if (protocol != null) {
                protocol.serve(channel, context);
            }
        } catch (IOException e) {
            LOG.debug("Connection from {} ended: {}", channel.remoteAddress(), e.toString());
        } catch (RuntimeException e) {
            context.stats().error();
            LOG.warn("Connection from {} failed", channel.remoteAddress(), e);
        } finally {
            channel.close();
            // Counted as closed before it unregisters: stop() returns once the last one has,
            // and its stats must then show no connection open.
            context.stats().connectionClosed();
            context.unregister(channel);
        }
    }

    /**
     * Sends 503 and closes with a FIN, not a reset: a reset (SO_LINGER 0) can reach the
     * client before it has read the 503, or even fail its connect. What the client sent
     * meanwhile is read and dropped for a moment, since closing with unread bytes resets too.
     */
    private static void refuse(Socket socket) throws IOException {
        socket.getOutputStream().write(UNAVAILABLE);
        socket.shutdownOutput();
        long deadline = System.nanoTime() + REFUSE_LINGER_NANOS;
        byte[] dropped = new byte[2048];
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            try {
                if (socket.getInputStream().read(dropped) < 0) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                return;
            }
        }
    }

    private void configure(Socket socket) throws SocketException {
        socket.setTcpNoDelay(true);
        if (quickAck) {
            try {
                socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // an optimisation only
            }
        }
    }

    /**
     * Asks each protocol, highest priority first, whether the first bytes are its own
     * (RFC 9113 §3.4: an h2c client starts with the connection preface). A protocol that
     * needs no bytes to decide is chosen without reading.
     */
    private ProtocolProvider select(TcpChannel channel) throws IOException {
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    @Override
    public InetSocketAddress address() {
        ServerSocket first = sockets.getFirst();
        return new InetSocketAddress(first.getInetAddress(), first.getLocalPort());
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("Closing {} failed", s, e);
            }
        }
        for (Thread t : acceptors) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
