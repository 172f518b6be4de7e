package io.shockwave.transport.tcp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The epoll instance every connection of the process waits on (descriptors are per
 * process, and like the JDK's own pollers it lives as long as the process). Sockets are
 * armed one shot at a time ({@code EPOLLONESHOT}) by the thread about to wait: arming
 * needs no wake-up of anyone, and each readiness is reported once. The event's data is
 * the file descriptor, which finds the connection in a table indexed by descriptor;
 * since descriptors are reused, a connection may be woken by an event meant for its
 * predecessor, and every waiter treats a wake-up as a hint.
 *
 * <p>Events are harvested by a virtual thread with non-blocking {@code epoll_wait}, so
 * that under load waking a connection costs no switch to another OS thread: the
 * harvester runs between the connections on the same carrier. Only when a harvest finds
 * nothing does it park, after arming a second epoll instance that holds the first; a
 * platform thread blocked on that one unparks the harvester when events come again.
 */
final class EpollPoller {
    private static final Logger LOG = LoggerFactory.getLogger(EpollPoller.class);
    private static final int MAX_EVENTS = 256;

    private static EpollPoller shared;

    private final int epfd;
    private final int outerFd;
    private final MemorySegment events;
    private final MemorySegment errno;
    private final Object tableLock = new Object();
    private volatile AtomicReferenceArray<EpollChannel> byFd = new AtomicReferenceArray<>(1024);
    private final Thread harvester;

    private EpollPoller() throws IOException {
        Arena arena = Arena.global();
        this.errno = Syscalls.newNativeErrno(arena);
        this.events = arena.allocate((long) Syscalls.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        this.epfd = Syscalls.epollCreate(errno);
        this.outerFd = epfd < 0 ? -1 : Syscalls.epollCreate(errno);
        if (outerFd < 0) {
            throw Syscalls.failure("epoll_create1", Syscalls.errno(errno));
        }
        if (Syscalls.epollCtl(Syscalls.newErrno(), outerFd, Syscalls.EPOLL_CTL_ADD, epfd, 0) < 0) {
            throw Syscalls.failure("epoll_ctl", Syscalls.errno(errno));
        }
        this.harvester = Thread.ofVirtual().name("shockwave-poller").unstarted(this::harvest);
        Thread.ofPlatform().daemon().name("shockwave-poller-wakeup").start(this::wakeHarvester);
        harvester.start();
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
        // No EPOLLRDHUP: a client's FIN makes the socket readable anyway, and a writer
        // waiting for room would be woken by it again and again.
        int r = Syscalls.epollCtl(errno, epfd, op, channel.fd, events | Syscalls.EPOLLONESHOT);
        if (r < 0) {
            LOG.debug("epoll_ctl on {} failed: errno {}", channel.fd, Syscalls.errno(errno));
            return false;
        }
        return true;
    }

    /** On a virtual thread: hands out what is ready, and parks while nothing is. */
    private void harvest() {
        MemorySegment state = Syscalls.newNativeErrno(Arena.global());
        while (true) {
            int n = Syscalls.epollWait(state, epfd, events, MAX_EVENTS, 0);
            if (n < 0 && Syscalls.errno(state) != Syscalls.EINTR) {
                LOG.error("epoll_wait failed: errno {}; connections waiting on it are stuck", Syscalls.errno(state));
                return;
            }
            if (n > 0) {
                dispatch(n);
                Thread.yield(); // let the woken connections run, then look again
                continue;
            }
            // Nothing ready: park until the outer epoll, armed again here, finds the inner one
            // readable. Arming reports readiness already there, so nothing slips in between.
            if (Syscalls.epollCtl(Syscalls.newErrno(), outerFd, Syscalls.EPOLL_CTL_MOD, epfd,
                    Syscalls.EPOLLIN | Syscalls.EPOLLONESHOT) < 0) {
                LOG.error("epoll_ctl on the poller failed; connections waiting on it are stuck");
                return;
            }
            LockSupport.park(this);
        }
    }

    private void dispatch(int n) {
        long stride = Syscalls.EPOLL_EVENT_SIZE;
        AtomicReferenceArray<EpollChannel> table = byFd;
        for (int i = 0; i < n; i++) {
            int fd = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * stride + Syscalls.EPOLL_DATA_OFFSET);
            EpollChannel channel = fd < table.length() ? table.get(fd) : null;
            if (channel != null) {
                channel.ready();
            }
        }
    }

    /** On a platform thread: blocks until the connections' epoll has events, then wakes the harvester. */
    private void wakeHarvester() {
        MemorySegment state = Syscalls.newNativeErrno(Arena.global());
        MemorySegment event = Arena.global().allocate(Syscalls.EPOLL_EVENT_SIZE, 8);
        while (true) {
            int n = Syscalls.epollWait(state, outerFd, event, 1, -1);
            if (n < 0 && Syscalls.errno(state) != Syscalls.EINTR) {
                LOG.error("epoll_wait failed: errno {}; connections waiting on it are stuck", Syscalls.errno(state));
                return;
            }
            if (n > 0) {
                LockSupport.unpark(harvester);
            }
        }
    }
}
