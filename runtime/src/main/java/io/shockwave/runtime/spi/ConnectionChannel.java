package io.shockwave.runtime.spi;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * One client connection as a protocol engine sees it: blocking reads and writes on the
 * connection's own virtual thread, plus the life-cycle that lets a stopping server close
 * idle connections at once and busy ones after their exchange.
 */
public abstract class ConnectionChannel implements AutoCloseable {
    private static final int ACTIVE = 0;
    private static final int IDLE = 1;
    private static final int CLOSED = 2;
    private static final VarHandle STATE;
    private static final int WRITE_SLICE = 64 * 1024;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ConnectionChannel.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state = ACTIVE;
    private volatile long writeDeadline;
    private volatile long readDeadline;
    private volatile boolean readExpired;
    private long readTimeoutNanos;
    private final long writeTimeoutNanos;
    private final ServerContext context;

    protected ConnectionChannel(ServerContext context) {
        this.context = context;
        this.writeTimeoutNanos = context.timeouts().write().toNanos();
    }

    /**
     * Reads at least one byte; -1 at end of stream; {@link SocketTimeoutException} once the
     * read timeout has passed. The deadline is enforced by the server's watchdog, not by
     * SO_TIMEOUT: on a virtual thread a timed park schedules (and allocates) a timer task
     * on every read, and most reads of a keep-alive connection are exactly such waits.
     */
    public final int read(byte[] buf, int off, int len) throws IOException {
        if (readExpired) {
            throw new SocketTimeoutException("read timed out");
        }
        if (readTimeoutNanos > 0) {
            readDeadline = System.nanoTime() + readTimeoutNanos;
        }
        try {
            int n = readNow(buf, off, len);
            if (readExpired) {
                throw new SocketTimeoutException("read timed out");
            }
            return n;
        } catch (IOException e) {
            if (readExpired && !(e instanceof SocketTimeoutException)) {
                throw new SocketTimeoutException("read timed out");
            }
            throw e;
        } finally {
            readDeadline = 0;
        }
    }

    /** Reads at least one byte, blocking as long as it takes; -1 at end of stream. */
    protected abstract int readNow(byte[] buf, int off, int len) throws IOException;

    /**
     * Makes a blocked {@link #readNow} return, leaving the connection able to write, so
     * that a timed-out request can still be answered (e.g. by shutting the input down).
     * By default it closes the connection.
     */
    protected void interruptRead() {
        closeTransport();
    }

    /** Whether a read has been blocked past its deadline at {@code now} ({@link System#nanoTime()}). */
    public final boolean readStalled(long now) {
        long deadline = readDeadline;
        return deadline != 0 && now - deadline > 0;
    }

    /** Ends a stalled read: it, and every later read, throws {@link SocketTimeoutException}. */
    public final void expireRead() {
        readExpired = true;
        interruptRead();
    }

    /** The timeout of the following reads, in milliseconds; 0 for none. */
    public final void readTimeout(int millis) {
        readTimeoutNanos = millis * 1_000_000L;
    }

    /** Writes every byte, blocking while the client does not drain them. */
    protected abstract void writeFully(byte[] buf, int off, int len) throws IOException;

    /** Closes the underlying connection; must unblock a read or write in progress. */
    protected abstract void closeTransport();

    public abstract InetSocketAddress remoteAddress();

    public abstract InetSocketAddress localAddress();

    public abstract boolean isSecure();

    /** Writes {@code buf[off, off+len)}; the server's watchdog closes the connection if it stalls. */
    public final void write(byte[] buf, int off, int len) throws IOException {
        long timeout = writeTimeoutNanos;
        try {
            // A slice per deadline: the timeout bounds a stall, not a long transfer that progresses.
            for (int done = 0; done < len; ) {
                int n = Math.min(WRITE_SLICE, len - done);
                writeDeadline = System.nanoTime() + timeout;
                writeFully(buf, off + done, n);
                done += n;
            }
        } finally {
            writeDeadline = 0;
        }
        context.stats().bytesOut(len);
    }

    /**
     * Declares that no exchange is in progress and the engine is about to wait for the
     * next one. Returns false if the server is stopping: the engine should close.
     */
    public final boolean enterIdle() {
        if (!STATE.compareAndSet(this, ACTIVE, IDLE)) {
            return false;
        }
        if (context.isDraining()) {
            // stop() may have walked past this connection before it went idle.
            close();
            return false;
        }
        return true;
    }

    /** Declares that an exchange began; returns false if a stopping server closed the connection meanwhile. */
    public final boolean leaveIdle() {
        return STATE.compareAndSet(this, IDLE, ACTIVE);
    }

    /** Closes the connection if no exchange is in progress; used when the server stops. */
    public final void closeIfIdle() {
        if (STATE.compareAndSet(this, IDLE, CLOSED)) {
            closeTransport();
        }
    }

    public final boolean isOpen() {
        return state != CLOSED;
    }

    /** Closes the connection now, whatever it is doing. */
    @Override
    public final void close() {
        state = CLOSED;
        closeTransport();
    }

    /** Whether a write has been blocked past its deadline at {@code now} ({@link System#nanoTime()}). */
    public final boolean writeStalled(long now) {
        long deadline = writeDeadline;
        return deadline != 0 && now - deadline > 0;
    }

    public final ServerContext context() {
        return context;
    }
}
