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
 * process, and like the JDK's own pollers it lives as long as the process). A socket is
 * added once, when it is accepted, and armed one shot at a time ({@code EPOLLONESHOT}) by
 * the thread about to wait, for the events its reader and writer wait for together: arming
 * needs no wake-up of anyone, and each readiness is reported once. The event's data is the
 * file descriptor, which finds the connection in a table indexed by descriptor; since
 * descriptors are reused, a connection may be woken by an event meant for its
 * predecessor, and every waiter treats a wake-up as a hint.
 *
 * <p>Events are harvested by a virtual thread with non-blocking {@code epoll_wait}, so
 * that under load waking a connection costs no switch to another OS thread: the
 * harvester runs between the connections on the same carrier. When a harvest finds
 * nothing it parks, after arming a second epoll instance that holds the first; a platform
 * thread blocked on that one unparks it when events come again. The same platform thread
 * looks every {@link #WATCH_MILLIS}: if the harvester has not run since (every carrier
 * busy, or its turn not come), it harvests itself, so readiness is never held back by the
 * virtual-thread scheduler.
 *
 * <p>An error of {@code epoll_wait} or {@code epoll_ctl} on the poller's own instances
 * cannot be recovered from: every connection waiting on it would wait for ever. The poller
 * then fails loudly: it logs an error, closes every connection, and refuses new ones.
 */
final class EpollPoller {
    private static final Logger LOG = LoggerFactory.getLogger(EpollPoller.class);
    private static final int MAX_EVENTS = 256;
    static final int WATCH_MILLIS = 10;

    private static EpollPoller shared;

    private final int epfd;
    private final int outerFd;
    private final Object tableLock = new Object();
    private volatile AtomicReferenceArray<EpollChannel> byFd = new AtomicReferenceArray<>(1024);
    private final Thread harvester;
    /** Harvests so far by the harvester; the watching thread compares it between looks. */
    private volatile long harvests;
    /** Parked with nothing to do: not woken since it parked. An unparked harvester waiting for a carrier is not idle. */
    private volatile boolean harvesterIdle;
    private volatile boolean failed;

    /** Not for the server, which shares one ({@link #shared}); for tests that need a poller of their own. */
    EpollPoller() throws IOException {
        int inner = Syscalls.epollCreate();
        if (inner < 0) {
            throw Syscalls.failure("epoll_create1", inner);
        }
        int outer = Syscalls.epollCreate();
        int r = outer < 0 ? outer : Syscalls.epollCtl(outer, Syscalls.EPOLL_CTL_ADD, inner, 0);
        if (r < 0) {
            Syscalls.close(inner);
            if (outer >= 0) {
                Syscalls.close(outer);
            }
            throw Syscalls.failure(outer < 0 ? "epoll_create1" : "epoll_ctl", r);
        }
        this.epfd = inner;
        this.outerFd = outer;
        this.harvester = Thread.ofVirtual().name("shockwave-poller").unstarted(this::harvest);
        Thread.ofPlatform().daemon().name("shockwave-poller-watch").start(this::watch);
        harvester.start();
    }

    /** The process's poller, started on first use. */
    static synchronized EpollPoller shared() throws IOException {
        if (shared == null) {
            shared = new EpollPoller();
        }
        return shared;
    }

    /**
     * Makes events on the channel's descriptor find it, and adds the descriptor to epoll
     * with no events armed yet. Returns false if that failed (the socket is then closed by
     * the caller) or the poller has failed.
     */
    boolean add(EpollChannel channel) {
        if (failed) {
            return false;
        }
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
        int r = Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_ADD, fd, Syscalls.EPOLLONESHOT);
        if (r < 0) {
            LOG.debug("epoll_ctl(ADD) on {} failed: errno {}", fd, -r);
            remove(channel);
            return false;
        }
        return true;
    }

    /** Before the channel's descriptor is closed: later events on it are not the channel's. */
    void remove(EpollChannel channel) {
        synchronized (tableLock) {
            byFd.compareAndSet(channel.fd, channel, null);
        }
    }

    /**
     * Arms the descriptor for one report of what the channel waits for now
     * ({@link EpollChannel#interest()}); by a thread about to wait, or after a report that
     * left another waiter waiting. Arms again if the set changed meanwhile, so the last
     * arming always carries the latest set. Returns false if epoll refused (the socket is
     * gone) or the poller has failed.
     */
    boolean arm(EpollChannel channel) {
        // No EPOLLRDHUP: a client's FIN makes the socket readable anyway, and a writer
        // waiting for room would be woken by it again and again.
        int events = channel.interest();
        while (events != 0) {
            if (failed) {
                return false;
            }
            int r = Syscalls.epollCtl(epfd, Syscalls.EPOLL_CTL_MOD, channel.fd, events | Syscalls.EPOLLONESHOT);
            if (r < 0) {
                LOG.debug("epoll_ctl(MOD) on {} failed: errno {}", channel.fd, -r);
                return false;
            }
            int now = channel.interest();
            if (now == events) {
                return true;
            }
            events = now;
        }
        return true;
    }

    /** On a virtual thread: hands out what is ready, and parks while nothing is. */
    private void harvest() {
        MemorySegment state = Syscalls.newNativeState(Arena.global());
        MemorySegment events = Arena.global().allocate((long) Syscalls.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        while (!failed) {
            int n = Syscalls.epollWait(state, epfd, events, MAX_EVENTS, 0);
            harvests++;
            if (n > 0) {
                dispatch(events, n);
                Thread.yield(); // let the woken connections run, then look again
                continue;
            }
            if (n < 0 && n != -Syscalls.EINTR) {
                fail("epoll_wait", -n);
                return;
            }
            // Nothing ready: park until the outer epoll, armed again here, finds the inner one
            // readable. Arming reports readiness already there, so nothing slips in between.
            // Idle before arming: the watching thread's report that events came must come after.
            harvesterIdle = true;
            int r = Syscalls.epollCtl(outerFd, Syscalls.EPOLL_CTL_MOD, epfd, Syscalls.EPOLLIN | Syscalls.EPOLLONESHOT);
            if (r < 0) {
                fail("epoll_ctl on the poller", -r);
                return;
            }
            LockSupport.park(this);
            harvesterIdle = false;
        }
    }

    /**
     * On a platform thread: blocks on the outer epoll to unpark the harvester when events
     * come, and every {@link #WATCH_MILLIS} checks that the harvester has run; if it has
     * not, it harvests itself.
     */
    private void watch() {
        MemorySegment state = Syscalls.newNativeState(Arena.global());
        MemorySegment outerEvent = Arena.global().allocate(Syscalls.EPOLL_EVENT_SIZE, 8);
        MemorySegment events = Arena.global().allocate((long) Syscalls.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        long seen = -1;
        while (!failed) {
            int n = Syscalls.epollWait(state, outerFd, outerEvent, 1, WATCH_MILLIS);
            if (n > 0) {
                harvesterIdle = false; // from now on it owes a harvest: if it gets no carrier, this thread does it
                LockSupport.unpark(harvester);
                continue;
            }
            if (n < 0 && n != -Syscalls.EINTR) {
                fail("epoll_wait on the poller", -n);
                return;
            }
            long now = harvests;
            if (now == seen && !harvesterIdle) {
                // The harvester has had no carrier for a whole look: events wait on it. Harvest here.
                int ready = Syscalls.epollWait(state, epfd, events, MAX_EVENTS, 0);
                if (ready > 0) {
                    dispatch(events, ready);
                }
            }
            seen = now;
        }
    }

    private void dispatch(MemorySegment events, int n) {
        long stride = Syscalls.EPOLL_EVENT_SIZE;
        AtomicReferenceArray<EpollChannel> table = byFd;
        for (int i = 0; i < n; i++) {
            int mask = events.get(ValueLayout.JAVA_INT_UNALIGNED, i * stride);
            int fd = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * stride + Syscalls.EPOLL_DATA_OFFSET);
            EpollChannel channel = fd < table.length() ? table.get(fd) : null;
            if (channel != null) {
                channel.ready(mask);
            }
        }
    }

    /** No connection can be woken any more: say so, and close every one rather than let them hang. */
    private void fail(String call, int errno) {
        if (failed) {
            return;
        }
        failed = true;
        LockSupport.unpark(harvester); // to see it failed, and end
        LOG.error("The epoll poller failed ({}: {}); closing every connection, and refusing new ones",
                call, Syscalls.failure(call, errno).getMessage());
        AtomicReferenceArray<EpollChannel> table = byFd;
        for (int i = 0; i < table.length(); i++) {
            EpollChannel c = table.get(i);
            if (c != null) {
                c.close();
            }
        }
    }

    /** Whether the poller has failed and refuses connections. */
    boolean hasFailed() {
        return failed;
    }

    /** For tests: makes the poller fail as if {@code epoll_wait} had returned {@code errno}. */
    void failForTest(int errno) {
        fail("epoll_wait", errno);
    }
}
