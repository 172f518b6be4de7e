package io.shockwave.transport.tcp;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Real loopback connections whose server side is a bare {@link EpollChannel}, not yet
 * served by anything: a test drives it as an engine would, from threads of its own, and
 * plays the watchdog by calling {@link ConnectionChannel#checkDeadlines} itself.
 */
final class EpollFixture implements AutoCloseable {
    /** A watchdog look this far ahead finds every parked connection parked long enough to suspend. */
    static final long PARKED_LONG_ENOUGH = 2 * ConnectionChannel.TICK_NANOS;

    final Context context = new Context();
    final ConnectionRunner runner = new ConnectionRunner(context, io.shockwave.runtime.Listener.of("127.0.0.1", 0));
    private final Arena arena = Arena.ofShared();
    private final int listening;
    private final int port;

    EpollFixture() throws IOException {
        listening = Syscalls.socket(Syscalls.AF_INET, Syscalls.SOCK_STREAM | Syscalls.SOCK_CLOEXEC);
        Syscalls.check(listening, "socket");
        Syscalls.check(Syscalls.bind(listening, SocketAddresses.encode(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))),
                "bind");
        Syscalls.check(Syscalls.listen(listening, 128), "listen");
        byte[] bound = new byte[SocketAddresses.MAX_SIZE];
        Syscalls.check(Syscalls.getsockname(listening, bound), "getsockname");
        port = SocketAddresses.decode(bound).getPort();
    }

    /** A client socket and the server's end of it, added to {@code poller}. */
    Pair connect(EpollPoller poller) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        client.setTcpNoDelay(true);
        MemorySegment peer = arena.allocate(SocketAddresses.MAX_SIZE, 4);
        MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
        int fd = Syscalls.accept(Syscalls.newNativeState(arena), listening, peer, length);
        Syscalls.check(fd, "accept4");
        byte[] sockaddr = new byte[16];
        MemorySegment.copy(peer, ValueLayout.JAVA_BYTE, 0, sockaddr, 0, 16);
        EpollChannel channel = new EpollChannel(fd, sockaddr, poller, runner, context);
        if (!poller.add(channel)) {
            Syscalls.close(fd);
            client.close();
            throw new IOException("the poller refused the connection");
        }
        return new Pair(client, channel);
    }

    @Override
    public void close() throws Exception {
        Syscalls.close(listening);
    }

    /** A server with no protocols and no watchdog: the test is the watchdog. */
    static final class Context implements ServerContext {
        private final ServerStats stats = new ServerStats();

        @Override
        public Handler handler() {
            return (req, res) -> { };
        }

        @Override
        public ErrorHandler errorHandler() {
            return (req, res, failure) -> { };
        }

        @Override
        public Limits limits() {
            return Limits.DEFAULT;
        }

        @Override
        public Timeouts timeouts() {
            return Timeouts.DEFAULT;
        }

        @Override
        public ServerStats stats() {
            return stats;
        }

        @Override
        public List<ProtocolProvider> protocols() {
            return List.of();
        }

        @Override
        public byte[] serverHeader() {
            return null;
        }

        @Override
        public void register(io.shockwave.runtime.spi.ServerConnection channel) {
        }

        @Override
        public void unregister(io.shockwave.runtime.spi.ServerConnection channel) {
        }
    }

    record Pair(Socket client, EpollChannel server) implements AutoCloseable {
        void send(String text) throws IOException {
            client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
            server.release();
        }
    }
}
