package io.shockwave.transport.tcp;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets of one {@link Listener} with the JDK's blocking sockets, where
 * the epoll transport is not available: one, or with SO_REUSEPORT several that the
 * kernel balances between, each with an acceptor thread that starts a virtual thread
 * per connection.
 */
final class TcpBinding implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(TcpBinding.class);
    private static final int BACKLOG = 1024;

    private final ServerContext context;
    private final ConnectionRunner runner;
    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private volatile boolean closed;

    private TcpBinding(ServerContext context, ConnectionRunner runner) {
        this.context = context;
        this.runner = runner;
    }

    static TcpBinding open(Listener listener, ServerContext context) throws IOException {
        InetSocketAddress address = listener.host() == null
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
        TcpBinding binding = new TcpBinding(context, new ConnectionRunner(context, listener));
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
            runner.start(channel);
        }
    }

    /** After a failed accept, e.g. out of file descriptors: do not spin. */
    static void pause() {
        try {
            Thread.sleep(10); // e.g. out of file descriptors: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        joinAll(acceptors);
    }

    /** Waits a moment for each acceptor to notice its socket closed. */
    static void joinAll(List<Thread> acceptors) {
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
