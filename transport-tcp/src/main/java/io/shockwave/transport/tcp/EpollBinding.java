package io.shockwave.transport.tcp;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets of one {@link Listener} on Linux, made and accepted from with
 * system calls, so that each connection is a bare descriptor driven by the
 * {@link EpollPoller}: one socket, or with SO_REUSEPORT several that the kernel balances
 * between, each with a platform thread blocked in {@code accept4}.
 */
final class EpollBinding implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(EpollBinding.class);
    private static final int BACKLOG = 1024;
    private static final int EAFNOSUPPORT = 97;

    private final ServerContext context;
    private final ConnectionRunner runner;
    private final EpollPoller poller;
    private final List<Integer> sockets = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private InetSocketAddress address;
    private volatile boolean closed;

    private EpollBinding(ServerContext context, ConnectionRunner runner, EpollPoller poller) {
        this.context = context;
        this.runner = runner;
        this.poller = poller;
    }

    static EpollBinding open(Listener listener, ServerContext context) throws IOException {
        EpollBinding binding = new EpollBinding(context, new ConnectionRunner(context, listener), EpollPoller.shared());
        try {
            InetSocketAddress address = listener.host() == null ? null
                    : new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
            for (int i = 0; i < listener.acceptors(); i++) {
                address = binding.listen(address, listener.port(), listener.reusePort());
            }
            binding.address = address;
        } catch (IOException | RuntimeException e) {
            binding.close();
            throw e;
        }
        for (int i = 0; i < binding.sockets.size(); i++) {
            int fd = binding.sockets.get(i);
            // Not daemon: a started server keeps the JVM alive until it is stopped.
            Thread t = Thread.ofPlatform().daemon(false)
                    .name("shockwave-acceptor-" + binding.address.getPort() + "-" + i)
                    .unstarted(() -> binding.accept(fd));
            binding.acceptors.add(t);
            t.start();
        }
        return binding;
    }

    /**
     * Opens one listening socket on {@code address}, or on every address when it is null
     * (IPv6 and IPv4 on one socket where the host has IPv6); returns the address it got.
     */
    private InetSocketAddress listen(InetSocketAddress address, int port, boolean reusePort) throws IOException {
        InetSocketAddress target = address;
        int fd;
        if (target == null) {
            target = new InetSocketAddress(InetAddress.getByName("::"), port);
            fd = Syscalls.socket(Syscalls.AF_INET6, Syscalls.SOCK_STREAM | Syscalls.SOCK_CLOEXEC);
            if (fd == -EAFNOSUPPORT) {
                target = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port);
                fd = Syscalls.socket(Syscalls.AF_INET, Syscalls.SOCK_STREAM | Syscalls.SOCK_CLOEXEC);
            } else if (fd >= 0) {
                Syscalls.setIntOption(fd, Syscalls.IPPROTO_IPV6, Syscalls.IPV6_V6ONLY, 0);
            }
        } else {
            int family = target.getAddress() instanceof java.net.Inet4Address ? Syscalls.AF_INET : Syscalls.AF_INET6;
            fd = Syscalls.socket(family, Syscalls.SOCK_STREAM | Syscalls.SOCK_CLOEXEC);
        }
        Syscalls.check(fd, "socket");
        sockets.add(fd);
        Syscalls.check(Syscalls.setIntOption(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEADDR, 1), "setsockopt(SO_REUSEADDR)");
        if (reusePort) {
            Syscalls.check(Syscalls.setIntOption(fd, Syscalls.SOL_SOCKET, Syscalls.SO_REUSEPORT, 1), "setsockopt(SO_REUSEPORT)");
        }
        Syscalls.check(Syscalls.bind(fd, SocketAddresses.encode(target)), "bind to " + target);
        Syscalls.check(Syscalls.listen(fd, BACKLOG), "listen");
        byte[] bound = new byte[SocketAddresses.MAX_SIZE];
        Syscalls.check(Syscalls.getsockname(fd, bound), "getsockname");
        // Later sockets join the port the first one got, when it was ephemeral.
        return new InetSocketAddress(target.getAddress(), SocketAddresses.decode(bound).getPort());
    }

    private void accept(int listening) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Syscalls.newNativeState(arena);
            MemorySegment peer = arena.allocate(SocketAddresses.MAX_SIZE, 4);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            while (!closed) {
                int fd = Syscalls.accept(state, listening, peer, length);
                if (fd < 0) {
                    if (closed) {
                        break;
                    }
                    if (fd != -Syscalls.EINTR && fd != -Syscalls.ECONNABORTED && fd != -Syscalls.EAGAIN) {
                        LOG.warn("Accept failed on {}: {}", address, Syscalls.failure("accept4", fd).getMessage());
                        TcpBinding.pause(); // e.g. out of file descriptors (EMFILE): do not spin
                    }
                    continue;
                }
                try {
                    if (!admit(fd, peer, length)) {
                        LOG.debug("The poller refused the connection accepted on {}", address);
                        Syscalls.close(fd);
                    }
                } catch (Throwable t) {
                    // One connection's failure must not end the accept loop, nor leak its descriptor.
                    LOG.warn("Could not start the connection accepted on {}", address, t);
                    Syscalls.close(fd);
                }
            }
        }
    }

    /**
     * Hands an accepted socket to the poller and its first thread; false if the poller
     * refused it (it has failed, and said so once, loudly).
     */
    private boolean admit(int fd, MemorySegment peer, MemorySegment length) {
        int n = Math.min(length.get(ValueLayout.JAVA_INT, 0), SocketAddresses.MAX_SIZE);
        byte[] sockaddr = new byte[peer.get(ValueLayout.JAVA_SHORT, 0) == Syscalls.AF_INET6 ? SocketAddresses.MAX_SIZE : 16];
        MemorySegment.copy(peer, ValueLayout.JAVA_BYTE, 0, sockaddr, 0, Math.min(n, sockaddr.length));
        EpollChannel channel = new EpollChannel(fd, sockaddr, poller, runner, context);
        if (!poller.add(channel)) {
            return false;
        }
        runner.start(channel);
        return true;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        closed = true;
        // A shutdown wakes a thread blocked in accept4 on Linux; a close alone would not.
        for (int fd : sockets) {
            Syscalls.shutdown(fd, Syscalls.SHUT_RDWR);
        }
        TcpBinding.joinAll(acceptors);
        for (int fd : sockets) {
            Syscalls.close(fd);
        }
        sockets.clear();
    }
}
