package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A non-blocking socket driven through an {@link EpollPoller}. Its virtual thread
 * reads and writes until the socket would block, then arms the poller and parks; an
 * idle connection instead suspends, holding no thread at all until the poller, the
 * watchdog or a stopping server starts a new one. Only the connection's current thread
 * reads, writes and finally closes the descriptor; other threads may only shut it down,
 * and only while it is not yet closed, so they can never touch a reused descriptor.
 */
final class EpollChannel extends SocketConnection {
    private static final VarHandle WAITER;
    private static final VarHandle SUSPENDED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WAITER = lookup.findVarHandle(EpollChannel.class, "waiter", Thread.class);
            SUSPENDED = lookup.findVarHandle(EpollChannel.class, "suspended", Runnable.class);
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
    private final MemorySegment errno = Syscalls.newErrno();
    /** The thread parked until the poller reports readiness, if any. */
    private volatile Thread waiter;
    /** What runs once a suspended connection wakes; null while it has a thread. */
    private volatile Runnable suspended;
    private volatile boolean idleEnded;
    private boolean armedBefore;
    private boolean released; // guarded by this

    EpollChannel(int fd, byte[] peer, EpollPoller poller, ConnectionRunner runner, ServerContext context) {
        super(context);
        this.fd = fd;
        this.peer = peer;
        this.poller = poller;
        this.runner = runner;
        poller.add(this);
    }

    @Override
    void configure() throws IOException {
        if (Syscalls.setIntOption(errno, fd, Syscalls.IPPROTO_TCP, Syscalls.TCP_NODELAY, 1) < 0) {
            throw Syscalls.failure("setsockopt(TCP_NODELAY)", Syscalls.errno(errno));
        }
    }

    @Override
    public boolean canSuspend() {
        return true;
    }

    @Override
    protected int readAvailableNow(byte[] buf, int off, int len) throws IOException {
        while (true) {
            long n = Syscalls.read(errno, fd, buf, off, len);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            int e = Syscalls.errno(errno);
            if (e == Syscalls.EAGAIN) {
                return 0;
            }
            if (e != Syscalls.EINTR) {
                throw Syscalls.failure("read", e);
            }
        }
    }

    @Override
    protected int readNow(byte[] buf, int off, int len) throws IOException {
        while (true) {
            int n = readAvailableNow(buf, off, len);
            if (n != 0) {
                return n;
            }
            await(Syscalls.EPOLLIN, false);
            if (isReadExpired()) {
                throw new SocketTimeoutException("read timed out");
            }
        }
    }

    @Override
    protected void writeFully(byte[] buf, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            long n = Syscalls.send(errno, fd, buf, off + done, len - done);
            if (n >= 0) {
                done += (int) n;
                continue;
            }
            int e = Syscalls.errno(errno);
            if (e == Syscalls.EAGAIN) {
                await(Syscalls.EPOLLOUT, false);
                if (!isOpen()) {
                    throw new SocketException("Socket closed");
                }
            } else if (e != Syscalls.EINTR) {
                throw Syscalls.failure("send", e);
            }
        }
    }

    @Override
    protected boolean awaitReadableNow() throws IOException {
        await(Syscalls.EPOLLIN, true);
        boolean ended = idleEnded;
        idleEnded = false;
        return !ended || !isOpen() || isReadExpired();
    }

    @Override
    protected void endParkedIdle() {
        idleEnded = true;
        wakeWaiter();
    }

    /**
     * Parks until the poller reports {@code events}, the connection is closed, a read is
     * interrupted or, for an idle wait, the watchdog ends it.
     */
    private void await(int events, boolean idle) throws IOException {
        Thread self = Thread.currentThread();
        waiter = self;
        if (!interrupted(events, idle)) {
            if (!poller.arm(this, events, !armedBefore, errno)) {
                waiter = null;
                throw new SocketException("Socket closed");
            }
            armedBefore = true;
            while (waiter == self && !interrupted(events, idle)) {
                if (self.isInterrupted()) {
                    // park would return at once, forever: give up the way the JDK's sockets do
                    waiter = null;
                    throw new InterruptedIOException("interrupted while waiting on the socket");
                }
                LockSupport.park(this);
            }
        }
        waiter = null;
    }

    private boolean interrupted(int events, boolean idle) {
        return !isOpen() || (events == Syscalls.EPOLLIN && isReadExpired()) || (idle && idleEnded);
    }

    @Override
    void suspendUntilReadable(Runnable resume) {
        context().stats().connectionSuspended(1);
        suspended = resume;
        if (!isOpen() || isReadExpired() || !poller.arm(this, Syscalls.EPOLLIN, !armedBefore, errno)) {
            wakeSuspended(); // the resumed engine finds out what happened
            return;
        }
        armedBefore = true;
        // From here on this thread must not touch the connection: another may own it.
    }

    /** The poller saw the descriptor ready. */
    void ready() {
        Thread t = waiter;
        if (t != null) {
            if (WAITER.compareAndSet(this, t, null)) {
                LockSupport.unpark(t);
            }
            return;
        }
        wakeSuspended();
    }

    private void wakeSuspended() {
        Runnable resume = suspended;
        if (resume != null && SUSPENDED.compareAndSet(this, resume, null)) {
            context().stats().connectionSuspended(-1);
            clearReadDeadline();
            runner.resume(this, resume);
        }
    }

    private void wake() {
        wakeWaiter();
        wakeSuspended();
    }

    private void wakeWaiter() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The read deadline passed: a parked read throws, a suspended connection wakes to find out. */
    @Override
    protected void interruptRead() {
        wake(); // the expiry is already recorded: a parked read throws once it looks
    }

    @Override
    void shutdownOutput() {
        synchronized (this) {
            if (!released) {
                Syscalls.shutdown(fd, Syscalls.SHUT_WR);
            }
        }
    }

    /** Any thread: the client sees the connection end, and its thread, if parked, wakes up. */
    @Override
    protected void closeTransport() {
        // The connection is already marked closed (close, closeIfIdle): a waiter sees it once woken.
        synchronized (this) {
            if (!released) {
                Syscalls.shutdown(fd, Syscalls.SHUT_RDWR);
            }
        }
        wake();
    }

    /** On the connection's thread: SO_LINGER 0 and close, which sends a reset and no FIN. */
    @Override
    protected void abortTransport() {
        poller.remove(this);
        synchronized (this) {
            if (!released) {
                released = true;
                Syscalls.setLinger(errno, fd, 0);
                Syscalls.close(fd);
            }
        }
        wake();
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
    public InetSocketAddress remoteAddress() {
        return SocketAddresses.decode(peer);
    }

    @Override
    public synchronized InetSocketAddress localAddress() {
        if (local == null && !released) {
            // Not the listener's address: a wildcard listener's connections each have their own.
            byte[] sockaddr = new byte[SocketAddresses.MAX_SIZE];
            if (Syscalls.getsockname(Syscalls.newErrno(), fd, sockaddr) == 0) {
                local = SocketAddresses.decode(sockaddr);
            }
        }
        return local;
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
