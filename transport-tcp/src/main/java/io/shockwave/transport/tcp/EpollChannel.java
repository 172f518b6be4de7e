package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A non-blocking socket driven through an {@link EpollPoller}: the transport half of a
 * connection whose life-cycle {@link io.shockwave.runtime.spi.ConnectionChannel} decides.
 * A reader or writer goes on until the socket would block, then adds what it waits for to
 * the connection's {@linkplain #interest() interest}, arms the poller and parks until the
 * poller reports it; a reader and a writer may wait at once. An idle connection that
 * suspends arms the poller for input and holds no thread at all.
 *
 * <p>Only the connection's own thread closes the descriptor ({@link #release}); other
 * threads may only shut it down, and only while it is not yet closed, so they can never
 * touch a descriptor the kernel has given to someone else.
 */
final class EpollChannel extends SocketConnection {
    private static final VarHandle INTEREST;
    /** A readiness report that ends a wait for input, or for room to write. */
    private static final int ENDS_READ = Syscalls.EPOLLIN | Syscalls.EPOLLERR | Syscalls.EPOLLHUP;
    private static final int ENDS_WRITE = Syscalls.EPOLLOUT | Syscalls.EPOLLERR | Syscalls.EPOLLHUP;

    static {
        try {
            INTEREST = MethodHandles.lookup().findVarHandle(EpollChannel.class, "interest", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int fd;
    private final EpollPoller poller;
    private final ConnectionRunner runner;
    /** The client's sockaddr as accept wrote it; decoded only when asked for. */
    private final byte[] peer;
    private InetSocketAddress local; // guarded by this; asked for rarely, so found on demand
    /** The events someone waits for and the poller has not reported yet: EPOLLIN, EPOLLOUT. */
    private volatile int interest;
    private volatile Thread reader;
    private volatile Thread writer;
    private boolean released; // guarded by this

    /** The caller adds it to the poller before it serves it; {@link #release} removes it. */
    EpollChannel(int fd, byte[] peer, EpollPoller poller, ConnectionRunner runner, ServerContext context) {
        super(context);
        this.fd = fd;
        this.peer = peer;
        this.poller = poller;
        this.runner = runner;
    }

    @Override
    void configure() throws IOException {
        Syscalls.check(Syscalls.setIntOption(fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_NODELAY, 1), "setsockopt(TCP_NODELAY)");
    }

    @Override
    public boolean canSuspend() {
        return true;
    }

    /** What the poller must report next. */
    int interest() {
        return interest;
    }

    // ---- reading and writing, on the connection's threads ---------------------------------

    @Override
    int plainReadAvailable(byte[] buf, int off, int len) throws IOException {
        while (true) {
            long n = Syscalls.read(fd, buf, off, len);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            if (n == -Syscalls.EAGAIN) {
                return 0;
            }
            if (n != -Syscalls.EINTR) {
                throw Syscalls.failure("read", (int) n);
            }
        }
    }

    @Override
    int plainRead(byte[] buf, int off, int len) throws IOException {
        while (true) {
            int n = plainReadAvailable(buf, off, len);
            if (n != 0) {
                return n;
            }
            if (readWaitEnded(false)) {
                throw isOpen() ? new SocketTimeoutException("read timed out") : new SocketException("Socket closed");
            }
            await(Syscalls.EPOLLIN, false);
        }
    }

    @Override
    void plainAwaitReadable() throws IOException {
        await(Syscalls.EPOLLIN, true);
    }

    @Override
    void plainWrite(byte[] buf, int off, int len) throws IOException {
        send(buf, off, len, 0);
    }

    private void send(byte[] buf, int off, int len, int flags) throws IOException {
        int done = 0;
        while (done < len) {
            long n = Syscalls.send(fd, buf, off + done, len - done, flags);
            if (n >= 0) {
                done += (int) n;
                wrote((int) n);
            } else if (n == -Syscalls.EAGAIN) {
                awaitRoom();
            } else if (n != -Syscalls.EINTR) {
                throw Syscalls.failure("send", (int) n);
            }
        }
    }

    /** Parks until the socket has room to write, the time counted against the client's response rate. */
    private void awaitRoom() throws IOException {
        if (writeWaitEnded()) {
            throw new SocketException("Socket closed");
        }
        long since = beginWaitingForRoom();
        try {
            await(Syscalls.EPOLLOUT, false);
        } finally {
            endWaitingForRoom(since);
        }
    }

    @Override
    public boolean canSendFile() {
        return tls() == null;
    }

    /**
     * The head goes with MSG_MORE: the kernel holds its last partial segment for the file's
     * first bytes, so a small file leaves in the same packets as the head (what nginx's
     * {@code tcp_nopush} does with TCP_CORK), not a packet of its own before it.
     */
    @Override
    protected void sendFileNow(byte[] head, int headOff, int headLen, java.nio.file.Path file, long position,
                               long count) throws IOException {
        int in = Syscalls.openForReading(file.toString());
        if (in < 0) {
            throw new java.io.FileNotFoundException(file + ": errno " + -in);
        }
        try {
            if (headLen > 0) {
                send(head, headOff, headLen, count > 0 ? Syscalls.MSG_MORE : 0);
                writeProgressed();
            }
            long done = 0;
            while (done < count) {
                long n = Syscalls.sendfile(fd, in, position + done, count - done);
                if (n > 0) {
                    done += n;
                    wrote((int) n);
                    writeProgressed();
                } else if (n == 0) {
                    throw new java.io.EOFException(file + " ended " + (count - done) + " bytes early");
                } else if (n == -Syscalls.EAGAIN) {
                    awaitRoom();
                } else if (n != -Syscalls.EINTR) {
                    throw Syscalls.failure("sendfile", (int) n);
                }
            }
        } finally {
            Syscalls.close(in);
        }
    }

    /** Any thread (the watchdog): what the kernel still holds for a client that does not read. */
    @Override
    protected synchronized long unsentBytes() {
        return released ? 0 : Math.max(0, Syscalls.unsentBytes(fd));
    }

    /**
     * Parks until the poller reports {@code event}, or until the wait should end
     * ({@link #readWaitEnded}, {@link #writeWaitEnded}); the caller then looks again.
     */
    private void await(int event, boolean idle) throws IOException {
        Thread self = Thread.currentThread();
        boolean read = event == Syscalls.EPOLLIN;
        if (read) {
            reader = self;
        } else {
            writer = self;
        }
        try {
            INTEREST.getAndBitwiseOr(this, event);
            if (!poller.arm(this)) {
                throw new SocketException("Socket closed");
            }
            while ((interest & event) != 0 && !(read ? readWaitEnded(idle) : writeWaitEnded())) {
                if (self.isInterrupted()) {
                    // park would return at once, for ever: give up the way the JDK's sockets do
                    throw new InterruptedIOException("interrupted while waiting on the socket");
                }
                LockSupport.park(this);
            }
        } finally {
            if (read) {
                reader = null;
            } else {
                writer = null;
            }
        }
    }

    /**
     * From the poller: {@code events} happened. A wait they end is woken (a suspended
     * connection resumed), and the descriptor, disabled by the report, is armed again for
     * what is still waited for.
     */
    void ready(int events) {
        int ended = ((events & ENDS_READ) != 0 ? Syscalls.EPOLLIN : 0)
                | ((events & ENDS_WRITE) != 0 ? Syscalls.EPOLLOUT : 0);
        int before = (int) INTEREST.getAndBitwiseAnd(this, ~ended);
        if ((ended & Syscalls.EPOLLOUT) != 0) {
            wakeWriter();
        }
        if ((ended & Syscalls.EPOLLIN) != 0) {
            wake();
        }
        if ((before & ~ended) != 0) {
            rearm();
        }
    }

    /** From the poller: arms again for what is still waited for, unless the descriptor is gone (and may be reused). */
    private synchronized void rearm() {
        if (!released) {
            poller.arm(this);
        }
    }

    @Override
    protected void wakeReader() {
        Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    protected void wakeWriter() {
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ---- suspension ------------------------------------------------------------------------

    @Override
    protected boolean armForResume() {
        TlsSession t = tls();
        if (t != null) {
            t.releaseBuffersIfEmpty(); // suspended: an idle TLS connection keeps its engine, not its buffers
        }
        INTEREST.getAndBitwiseOr(this, Syscalls.EPOLLIN);
        return poller.arm(this);
    }

    @Override
    protected void startResume(Runnable resume) {
        runner.resume(this, resume);
    }

    // ---- closing -------------------------------------------------------------------------

    @Override
    void plainShutdownOutput() {
        synchronized (this) {
            if (!released) {
                Syscalls.shutdown(fd, Syscalls.SHUT_WR);
            }
        }
    }

    @Override
    int plainTryWrite(byte[] buf, int off, int len) {
        synchronized (this) {
            if (released) {
                return 0;
            }
            long n = Syscalls.send(fd, buf, off, len);
            return n > 0 ? (int) n : 0;
        }
    }

    /** Any thread: the client sees the connection end, and a read or write in progress fails. */
    @Override
    protected void closeTransport() {
        synchronized (this) {
            if (!released) {
                Syscalls.shutdown(fd, Syscalls.SHUT_RDWR);
            }
        }
    }

    /** Any thread: SO_LINGER 0, so the close that {@link #release} makes resets and drops the send queue. */
    @Override
    protected void resetOnClose() {
        synchronized (this) {
            if (!released) {
                Syscalls.setLinger(fd, 0);
            }
        }
    }

    /** On the connection's thread: SO_LINGER 0 and close, which sends a reset and no FIN. */
    @Override
    protected void abortTransport() {
        poller.remove(this);
        synchronized (this) {
            if (!released) {
                released = true;
                Syscalls.setLinger(fd, 0);
                Syscalls.close(fd);
            }
        }
        wakeWriter();
    }

    @Override
    void release() {
        poller.remove(this);
        synchronized (this) {
            if (!released) {
                released = true;
                Syscalls.close(fd);
            }
        }
    }

    @Override
    InetSocketAddress peerAddress() {
        return SocketAddresses.decode(peer);
    }

    @Override
    public synchronized InetSocketAddress localAddress() {
        if (local == null && !released) {
            // Not the listener's address: a wildcard listener's connections each have their own.
            byte[] sockaddr = new byte[SocketAddresses.MAX_SIZE];
            if (Syscalls.getsockname(fd, sockaddr) >= 0) {
                local = SocketAddresses.decode(sockaddr);
            }
        }
        return local;
    }
}
