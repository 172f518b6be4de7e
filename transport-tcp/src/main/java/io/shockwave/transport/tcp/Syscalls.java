package io.shockwave.transport.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.SocketException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The Linux system calls the epoll transport makes, through {@code java.lang.foreign}.
 * Calls that never block ({@code read}/{@code send} on non-blocking sockets,
 * {@code epoll_ctl}) are critical downcalls that may pass heap arrays, so a read goes
 * straight into the connection's byte array with no copy through a direct buffer.
 *
 * <p>A failed call returns {@code -errno}. The errno is captured into a slot of a small
 * pool of native memory, taken for the length of one call: no two threads share one (a
 * reader and a writer of one connection may call at once), and no call allocates.
 */
final class Syscalls {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_REUSEPORT = 15;
    static final int SO_LINGER = 13;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_MORE = 0x8000;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int O_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLERR = 0x8;
    static final int EPOLLHUP = 0x10;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ECONNABORTED = 103;
    /** ioctl: bytes in a socket's send queue that the peer has not acknowledged yet (SIOCOUTQ). */
    static final long SIOCOUTQ = 0x5411;
    /** {@code struct epoll_event} is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
    static final int EPOLL_EVENT_SIZE;
    static final int EPOLL_DATA_OFFSET;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDRESS = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle LISTEN;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle ACCEPT4;
    private static final MethodHandle READ;
    private static final MethodHandle SEND;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle IOCTL;
    private static final MethodHandle OPEN;
    private static final MethodHandle SENDFILE;
    private static final Throwable UNAVAILABLE;

    static {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        EPOLL_EVENT_SIZE = x86 ? 12 : 16;
        EPOLL_DATA_OFFSET = x86 ? 4 : 8;
        MethodHandle socket = null, setsockopt = null, bind = null, listen = null, getsockname = null;
        MethodHandle accept4 = null, read = null, send = null, shutdown = null, close = null;
        MethodHandle epollCreate = null, epollCtl = null, epollWait = null, ioctl = null;
        MethodHandle open = null, sendfile = null;
        Throwable unavailable = null;
        try {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                    || !(x86 || arch.equals("aarch64"))) {
                throw new UnsupportedOperationException("epoll needs Linux on x86-64 or aarch64, not "
                        + System.getProperty("os.name") + " on " + arch);
            }
            socket = handle("socket", FunctionDescriptor.of(INT, INT, INT, INT), ERRNO, CRITICAL);
            setsockopt = handle("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDRESS, INT), ERRNO, CRITICAL);
            bind = handle("bind", FunctionDescriptor.of(INT, INT, ADDRESS, INT), ERRNO, CRITICAL);
            listen = handle("listen", FunctionDescriptor.of(INT, INT, INT), ERRNO, CRITICAL);
            getsockname = handle("getsockname", FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS), ERRNO, CRITICAL);
            accept4 = handle("accept4", FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS, INT), ERRNO);
            read = handle("read", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG), ERRNO, CRITICAL);
            send = handle("send", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG, INT), ERRNO, CRITICAL);
            shutdown = handle("shutdown", FunctionDescriptor.of(INT, INT, INT));
            close = handle("close", FunctionDescriptor.of(INT, INT));
            epollCreate = handle("epoll_create1", FunctionDescriptor.of(INT, INT), ERRNO);
            epollCtl = handle("epoll_ctl", FunctionDescriptor.of(INT, INT, INT, INT, ADDRESS), ERRNO, CRITICAL);
            epollWait = handle("epoll_wait", FunctionDescriptor.of(INT, INT, ADDRESS, INT, INT), ERRNO);
            ioctl = handle("ioctl", FunctionDescriptor.of(INT, INT, LONG, ADDRESS), ERRNO, Linker.Option.firstVariadicArg(2));
            open = handle("open", FunctionDescriptor.of(INT, ADDRESS, INT), ERRNO, Linker.Option.firstVariadicArg(2));
            // Not critical: it reads the file, which may mean waiting on a disk, and a critical
            // call holds off every safepoint (every GC) of the JVM until it returns.
            sendfile = handle("sendfile", FunctionDescriptor.of(LONG, INT, INT, ADDRESS, LONG), ERRNO);
            // A native call is refused only when it is made, if native access is denied: make one.
            int probe = (int) close.invokeExact(-1);
        } catch (Throwable t) {
            unavailable = t;
        }
        SOCKET = socket;
        SETSOCKOPT = setsockopt;
        BIND = bind;
        LISTEN = listen;
        GETSOCKNAME = getsockname;
        ACCEPT4 = accept4;
        READ = read;
        SEND = send;
        SHUTDOWN = shutdown;
        CLOSE = close;
        EPOLL_CREATE1 = epollCreate;
        EPOLL_CTL = epollCtl;
        EPOLL_WAIT = epollWait;
        IOCTL = ioctl;
        OPEN = open;
        SENDFILE = sendfile;
        UNAVAILABLE = unavailable;
    }

    private Syscalls() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** Null when the system calls can be made here, else why not. */
    static Throwable unavailable() {
        return UNAVAILABLE;
    }

    // ---- the pool of call states ---------------------------------------------------------

    private static final int SLOTS = 64;
    /** One flag per 64-byte line, so that threads taking neighbouring slots do not share a line. */
    private static final int STRIDE = 16;
    private static final AtomicIntegerArray TAKEN = new AtomicIntegerArray(SLOTS * STRIDE);
    private static final MemorySegment[] STATES = new MemorySegment[SLOTS];
    private static final MemorySegment[] EVENTS = new MemorySegment[SLOTS];
    private static final MemorySegment[] WORDS = new MemorySegment[SLOTS];

    static {
        Arena arena = Arena.global();
        for (int i = 0; i < SLOTS; i++) {
            STATES[i] = arena.allocate(Linker.Option.captureStateLayout());
            EVENTS[i] = arena.allocate(16, 8);
            WORDS[i] = arena.allocate(8, 8);
        }
    }

    /** A slot for one call; on the rare miss (every slot busy) -1, and the caller uses fresh memory. */
    private static int take() {
        int start = (int) Thread.currentThread().threadId() & (SLOTS - 1);
        for (int i = 0; i < SLOTS; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if (TAKEN.getPlain(slot * STRIDE) == 0 && TAKEN.compareAndSet(slot * STRIDE, 0, 1)) {
                return slot;
            }
        }
        return -1;
    }

    private static void give(int slot) {
        if (slot >= 0) {
            TAKEN.setRelease(slot * STRIDE, 0);
        }
    }

    private static MemorySegment state(int slot) {
        return slot >= 0 ? STATES[slot] : Arena.ofAuto().allocate(Linker.Option.captureStateLayout());
    }

    private static MemorySegment event(int slot) {
        return slot >= 0 ? EVENTS[slot] : Arena.ofAuto().allocate(16, 8);
    }

    private static MemorySegment word(int slot) {
        return slot >= 0 ? WORDS[slot] : Arena.ofAuto().allocate(8, 8);
    }

    /** {@code result}, or {@code -errno} when it is -1. */
    private static int orErrno(int result, MemorySegment state) {
        return result >= 0 ? result : -state.get(INT, 0);
    }

    // ---- the calls: each returns its result, or -errno -----------------------------------

    static int socket(int domain, int type) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            return orErrno((int) SOCKET.invokeExact(st, domain, type, 0), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    static int setIntOption(int fd, int level, int option, int value) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            MemorySegment v = word(slot);
            v.set(INT, 0, value);
            return orErrno((int) SETSOCKOPT.invokeExact(st, fd, level, option, v, 4), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /** SO_LINGER on with {@code seconds}: 0 makes close send a reset. */
    static int setLinger(int fd, int seconds) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            MemorySegment v = word(slot); // struct linger { int l_onoff; int l_linger; }
            v.set(INT, 0, 1);
            v.set(INT, 4, seconds);
            return orErrno((int) SETSOCKOPT.invokeExact(st, fd, SOL_SOCKET, SO_LINGER, v, 8), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    static int bind(int fd, byte[] sockaddr) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            return orErrno((int) BIND.invokeExact(st, fd, MemorySegment.ofArray(sockaddr), sockaddr.length), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    static int listen(int fd, int backlog) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            return orErrno((int) LISTEN.invokeExact(st, fd, backlog), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /** Writes the socket's own address into {@code sockaddr}. */
    static int getsockname(int fd, byte[] sockaddr) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            MemorySegment length = word(slot);
            length.set(INT, 0, sockaddr.length);
            return orErrno((int) GETSOCKNAME.invokeExact(st, fd, MemorySegment.ofArray(sockaddr), length), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /**
     * Blocks until a connection comes; the new socket is non-blocking. On the acceptor's
     * platform thread, with memory of its own: {@code state} for the errno.
     */
    static int accept(MemorySegment state, int fd, MemorySegment address, MemorySegment length) {
        try {
            length.set(INT, 0, (int) address.byteSize());
            return orErrno((int) ACCEPT4.invokeExact(state, fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Reads into {@code buf[off, off+len)}: bytes read, 0 at end of stream, or -errno. */
    static long read(int fd, byte[] buf, int off, int len) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            long n = (long) READ.invokeExact(st, fd, MemorySegment.ofArray(buf).asSlice(off, len), (long) len);
            return n >= 0 ? n : -st.get(INT, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /** Sends from {@code buf[off, off+len)} without raising SIGPIPE: bytes sent, or -errno. */
    static long send(int fd, byte[] buf, int off, int len) {
        return send(fd, buf, off, len, 0);
    }

    /** {@link #send}, with {@code flags} besides MSG_NOSIGNAL (MSG_MORE: more follows at once, hold a partial segment). */
    static long send(int fd, byte[] buf, int off, int len, int flags) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            long n = (long) SEND.invokeExact(st, fd, MemorySegment.ofArray(buf).asSlice(off, len), (long) len,
                    MSG_NOSIGNAL | flags);
            return n >= 0 ? n : -st.get(INT, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /** Bytes written to the socket that the peer has not acknowledged yet, or -errno. */
    static int unsentBytes(int fd) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            MemorySegment v = word(slot);
            int r = (int) IOCTL.invokeExact(st, fd, SIOCOUTQ, v);
            return r < 0 ? -st.get(INT, 0) : v.get(INT, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    static void shutdown(int fd, int how) {
        try {
            int ignored = (int) SHUTDOWN.invokeExact(fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Opens {@code path} for reading (O_RDONLY | O_CLOEXEC): a descriptor, or -errno. */
    static int openForReading(String path) {
        int slot = take();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = state(slot);
            return orErrno((int) OPEN.invokeExact(st, arena.allocateFrom(path), O_CLOEXEC), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /**
     * Sends up to {@code count} bytes of file {@code in} from {@code position} to socket
     * {@code out} in the kernel, without moving the file's own offset: the bytes sent (0 at
     * the file's end), or -errno (-EAGAIN when the socket has no room).
     */
    static long sendfile(int out, int in, long position, long count) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            MemorySegment offset = word(slot);
            offset.set(LONG, 0, position);
            long n = (long) SENDFILE.invokeExact(st, out, in, offset, count);
            return n >= 0 ? n : -st.get(INT, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollCreate() {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            return orErrno((int) EPOLL_CREATE1.invokeExact(st, EPOLL_CLOEXEC), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /** Adds or modifies {@code fd}'s interest in {@code events}, with {@code fd} as the event's data: 0 or -errno. */
    static int epollCtl(int epfd, int op, int fd, int events) {
        int slot = take();
        try {
            MemorySegment st = state(slot);
            MemorySegment event = event(slot);
            event.set(INT, 0, events);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, fd);
            return orErrno((int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            give(slot);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: for ever, 0: not at all) for events: their
     * number, or -errno. The caller's {@code state} holds the errno: a call that blocks
     * must not hold a pooled slot.
     */
    static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return orErrno((int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis), state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static MemorySegment newNativeState(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    /** {@code result}, if the call succeeded; else it throws the call's failure. */
    static int check(int result, String call) throws SocketException {
        if (result < 0) {
            throw failure(call, result);
        }
        return result;
    }

    /** An exception for a call that failed with {@code errno} (positive, or the negative result). */
    static SocketException failure(String call, int errno) {
        errno = Math.abs(errno);
        String what = switch (errno) {
            case 9 -> "Bad file descriptor";
            case 11 -> "Resource temporarily unavailable";
            case 22 -> "Invalid argument";
            case 24 -> "Too many open files";
            case 32 -> "Broken pipe";
            case 98 -> "Address already in use";
            case 99 -> "Cannot assign requested address";
            case 97 -> "Address family not supported by protocol";
            case 104 -> "Connection reset by peer";
            case 110 -> "Connection timed out";
            default -> "errno " + errno;
        };
        return new SocketException(call + " failed: " + what);
    }

    private static IllegalStateException unexpected(Throwable t) {
        return new IllegalStateException("native call failed", t);
    }
}
