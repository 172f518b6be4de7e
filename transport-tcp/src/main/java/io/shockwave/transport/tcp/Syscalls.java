package io.shockwave.transport.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.SocketException;
import java.util.Locale;

/**
 * The Linux system calls the epoll transport makes, through {@code java.lang.foreign}.
 * Calls that never block ({@code read}/{@code send} on non-blocking sockets,
 * {@code epoll_ctl}) are critical downcalls that may pass heap arrays, so a read goes
 * straight into the connection's byte array with no copy through a direct buffer.
 * Failures return -1 with the {@code errno} written to the caller's state segment (see
 * {@link #newErrno()}), so that a thread's errno is not lost to the JVM's own calls.
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
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ECONNABORTED = 103;
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
    private static final Throwable UNAVAILABLE;

    static {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        EPOLL_EVENT_SIZE = x86 ? 12 : 16;
        EPOLL_DATA_OFFSET = x86 ? 4 : 8;
        MethodHandle socket = null, setsockopt = null, bind = null, listen = null, getsockname = null;
        MethodHandle accept4 = null, read = null, send = null, shutdown = null, close = null;
        MethodHandle epollCreate = null, epollCtl = null, epollWait = null;
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

    /**
     * A segment for the errno of one thread's calls. On the heap, so that it costs a
     * connection no native memory; only critical calls may use it (the others run on
     * the acceptor and poller threads, which use {@link #newNativeErrno}).
     */
    static MemorySegment newErrno() {
        return MemorySegment.ofArray(new int[1]);
    }

    static MemorySegment newNativeErrno(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    static int errno(MemorySegment state) {
        return state.get(INT, 0);
    }

    static int socket(MemorySegment errno, int domain, int type) {
        try {
            return (int) SOCKET.invokeExact(errno, domain, type, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Sets an int option; -1 with errno on failure. */
    static int setIntOption(MemorySegment errno, int fd, int level, int option, int value) {
        try {
            MemorySegment v = MemorySegment.ofArray(new int[] {value});
            return (int) SETSOCKOPT.invokeExact(errno, fd, level, option, v, 4);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** SO_LINGER on with {@code seconds}: 0 makes close send a reset. -1 with errno on failure. */
    static int setLinger(MemorySegment errno, int fd, int seconds) {
        try {
            MemorySegment v = MemorySegment.ofArray(new int[] {1, seconds}); // struct linger { l_onoff; l_linger }
            return (int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_LINGER, v, 8);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int bind(MemorySegment errno, int fd, byte[] sockaddr) {
        try {
            return (int) BIND.invokeExact(errno, fd, MemorySegment.ofArray(sockaddr), sockaddr.length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int listen(MemorySegment errno, int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(errno, fd, backlog);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Writes the socket's own address into {@code sockaddr}. */
    static int getsockname(MemorySegment errno, int fd, byte[] sockaddr) {
        try {
            MemorySegment length = MemorySegment.ofArray(new int[] {sockaddr.length});
            return (int) GETSOCKNAME.invokeExact(errno, fd, MemorySegment.ofArray(sockaddr), length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Blocks until a connection comes; the new socket is non-blocking. */
    static int accept(MemorySegment errno, int fd, MemorySegment address, MemorySegment length) {
        try {
            length.set(INT, 0, (int) address.byteSize());
            return (int) ACCEPT4.invokeExact(errno, fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Reads into {@code buf[off, off+len)}: bytes read, 0 at end of stream, -1 with errno. */
    static long read(MemorySegment errno, int fd, byte[] buf, int off, int len) {
        try {
            return (long) READ.invokeExact(errno, fd, MemorySegment.ofArray(buf).asSlice(off, len), (long) len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Sends from {@code buf[off, off+len)} without raising SIGPIPE: bytes sent, or -1 with errno. */
    static long send(MemorySegment errno, int fd, byte[] buf, int off, int len) {
        try {
            return (long) SEND.invokeExact(errno, fd, MemorySegment.ofArray(buf).asSlice(off, len), (long) len,
                    MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void shutdown(int fd, int how) {
        try {
            int ignored = (int) SHUTDOWN.invokeExact(fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollCreate(MemorySegment errno) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(errno, EPOLL_CLOEXEC);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Adds or modifies {@code fd}'s interest in {@code events}, with {@code fd} as the event's data. */
    static int epollCtl(MemorySegment errno, int epfd, int op, int fd, int events) {
        try {
            MemorySegment event = MemorySegment.ofArray(new long[2]);
            event.set(INT, 0, events);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, fd);
            return (int) EPOLL_CTL.invokeExact(errno, epfd, op, fd, event);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Waits up to {@code timeoutMillis} (-1: for ever, 0: not at all) for events: their number, or -1 with errno. */
    static int epollWait(MemorySegment errno, int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(errno, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** An exception for a failed call, named after its errno. */
    static SocketException failure(String call, int errno) {
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
