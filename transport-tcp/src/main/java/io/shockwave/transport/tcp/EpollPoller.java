package io.shockwave.transport.tcp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One epoll instance and the daemon platform thread that waits on it, shared by every
 * server in the process, as descriptors are (like the JDK's own pollers, it lives as
 * long as the process). Sockets are armed one
 * shot at a time ({@code EPOLLONESHOT}) by the thread that is about to wait: arming needs
 * no wake-up of this thread, and each readiness is reported once. The event's data is the
 * file descriptor, which finds the connection in a table indexed by descriptor; since
 * descriptors are reused, a connection may be woken by an event meant for its
 * predecessor, and every waiter treats a wake-up as a hint.
 */
final class EpollPoller {
    private static final Logger LOG = LoggerFactory.getLogger(EpollPoller.class);
    private static final int MAX_EVENTS = 256;

    private static EpollPoller shared;

    private final int epfd;
    private final MemorySegment events;
    private final MemorySegment errno;
    private final Object tableLock = new Object();
    private volatile AtomicReferenceArray<EpollChannel> byFd = new AtomicReferenceArray<>(1024);

    private EpollPoller() throws IOException {
        Arena arena = Arena.global();
        this.errno = Syscalls.newNativeErrno(arena);
        this.events = arena.allocate((long) Syscalls.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        this.epfd = Syscalls.epollCreate(errno);
        if (epfd < 0) {
            throw Syscalls.failure("epoll_create1", Syscalls.errno(errno));
        }
        Thread.ofPlatform().daemon().name("shockwave-poller").start(this::run);
    }

    /** The process's poller, started on first use. */
    static synchronized EpollPoller shared() throws IOException {
        if (shared == null) {
            shared = new EpollPoller();
        }
        return shared;
    }

    /** Makes events on the channel's descriptor find it. */
    void add(EpollChannel channel) {
        int fd = channel.fd;
        synchronized (tableLock) {
            AtomicReferenceArray<EpollChannel> table = byFd;
            if (fd >= table.length()) {
                AtomicReferenceArray<EpollChannel> larger = new AtomicReferenceArray<>(Math.max(fd + 1, table.length() * 2));
                for (int i = 0; i < table.length(); i++) {
                    larger.setPlain(i, table.getPlain(i));
                }
                byFd = table = larger;
            }
            table.set(fd, channel);
        }
    }

    /** Before the channel's descriptor is closed: later events on it are not the channel's. */
    void remove(EpollChannel channel) {
        synchronized (tableLock) {
            byFd.compareAndSet(channel.fd, channel, null);
        }
    }

    /**
     * Asks for one report when the descriptor is ready for {@code events}; on the thread
     * that will wait. Returns false if epoll refused (e.g. the descriptor is gone).
     */
    boolean arm(EpollChannel channel, int events, boolean first, MemorySegment errno) {
        int op = first ? Syscalls.EPOLL_CTL_ADD : Syscalls.EPOLL_CTL_MOD;
        int r = Syscalls.epollCtl(errno, epfd, op, channel.fd, events | Syscalls.EPOLLONESHOT | Syscalls.EPOLLRDHUP);
        if (r < 0) {
            LOG.debug("epoll_ctl on {} failed: errno {}", channel.fd, Syscalls.errno(errno));
            return false;
        }
        return true;
    }

    private void run() {
        long stride = Syscalls.EPOLL_EVENT_SIZE;
        while (true) {
            int n = Syscalls.epollWait(errno, epfd, events, MAX_EVENTS);
            if (n < 0) {
                int e = Syscalls.errno(errno);
                if (e == Syscalls.EINTR) {
                    continue;
                }
                LOG.error("epoll_wait failed: errno {}; connections waiting on it are stuck", e);
                return;
            }
            AtomicReferenceArray<EpollChannel> table = byFd;
            for (int i = 0; i < n; i++) {
                int fd = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * stride + Syscalls.EPOLL_DATA_OFFSET);
                EpollChannel channel = fd < table.length() ? table.get(fd) : null;
                if (channel != null) {
                    channel.ready();
                }
            }
        }
    }
}
