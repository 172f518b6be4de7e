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
 *
 * <p>A transport that {@linkplain #canSuspend() can suspend} lets an idle connection wait
 * without a thread: the engine finds nothing to read with {@link #readAvailable}, waits
 * parked with {@link #awaitReadable} and, once that says the connection has been idle long
 * enough, calls {@link #suspend} and returns; the transport runs the engine's resume on a
 * new virtual thread once bytes arrive, the read timeout passes or the connection is
 * closed. A parked virtual thread costs a stack of a few kilobytes, more than the rest of
 * an idle connection; a new thread for every short pause would cost more time than it saves.
 */
public abstract class ConnectionChannel implements AutoCloseable {
    private static final int ACTIVE = 0;
    private static final int IDLE = 1;
    private static final int CLOSED = 2;
    private static final VarHandle STATE;
    private static final int WRITE_SLICE = 64 * 1024;
    /** How long an idle connection waits parked before it gives its thread back. */
    private static final long PARKED_IDLE_NANOS = 200_000_000L;

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
    private volatile long parkedIdleSince;
    private long readTimeoutNanos;
    private final long writeTimeoutNanos;
    private Runnable resumeAfterReturn;
    private byte[] unread;
    private int unreadPos;
    private int unreadLimit;
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
        if (unread != null) {
            return takeUnread(buf, off, len);
        }
        startReadDeadline();
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
     * Reads what has arrived without waiting: the number of bytes, 0 when none has, -1 at
     * end of stream. Only on transports that {@linkplain #canSuspend() can suspend}.
     */
    public final int readAvailable(byte[] buf, int off, int len) throws IOException {
        if (readExpired) {
            throw new SocketTimeoutException("read timed out");
        }
        if (unread != null) {
            return takeUnread(buf, off, len);
        }
        return readAvailableNow(buf, off, len);
    }

    /** Reads without waiting, for {@link #readAvailable}. */
    protected int readAvailableNow(byte[] buf, int off, int len) throws IOException {
        throw new UnsupportedOperationException("this transport cannot suspend");
    }

    /** Whether an idle connection can wait for bytes without holding a thread (see {@link #suspend}). */
    public boolean canSuspend() {
        return false;
    }

    /**
     * Waits, parked, for bytes: true when they may have arrived or the connection ended
     * (read to find out), false once the connection has been idle long enough to
     * {@linkplain #suspend give its thread back}. The read timeout runs from the start of
     * this wait through the suspension. Only where {@link #canSuspend()}.
     */
    public final boolean awaitReadable() throws IOException {
        if (readExpired) {
            return true;
        }
        startReadDeadline();
        parkedIdleSince = System.nanoTime() | 1; // never 0, which means "not waiting"
        boolean ready;
        try {
            ready = awaitReadableNow();
        } finally {
            parkedIdleSince = 0;
        }
        if (ready) {
            readDeadline = 0;
        }
        return ready;
    }

    /** Parks until the transport sees bytes (true) or {@link #endParkedIdle} is called (false). */
    protected boolean awaitReadableNow() throws IOException {
        throw new UnsupportedOperationException("this transport cannot suspend");
    }

    /** Ends an {@link #awaitReadableNow}, which then returns false; from another thread. */
    protected void endParkedIdle() {
    }

    /** For the watchdog: ends a parked idle wait that has lasted long enough, so that it suspends. */
    public final void suspendIfIdle(long now) {
        long since = parkedIdleSince;
        if (since != 0 && now - since > PARKED_IDLE_NANOS) {
            endParkedIdle();
        }
    }

    /**
     * Leaves the connection to a later thread: once the engine has returned from the call
     * that serves it, the transport waits for bytes without a thread and runs {@code resume}
     * on a new virtual thread when they arrive, when the read timeout set by
     * {@link #readTimeout} passes (reads then throw {@link SocketTimeoutException}) or when
     * the connection is closed. The caller must return at once and touch nothing after.
     */
    public final void suspend(Runnable resume) {
        if (!canSuspend()) {
            throw new IllegalStateException("this transport cannot suspend");
        }
        if (readDeadline == 0) {
            startReadDeadline();
        }
        resumeAfterReturn = resume;
    }

    /**
     * For transports, on the connection's thread once the engine returned: the resume it
     * left with {@link #suspend}, or null when the connection is finished.
     */
    protected final Runnable takeSuspension() {
        Runnable r = resumeAfterReturn;
        resumeAfterReturn = null;
        return r;
    }

    private void startReadDeadline() {
        if (readTimeoutNanos > 0) {
            readDeadline = System.nanoTime() + readTimeoutNanos;
        }
    }

    /** For transports: a suspended connection has been woken. */
    protected final void clearReadDeadline() {
        readDeadline = 0;
    }

    /** Bytes read while choosing a protocol, returned again by the next reads. */
    public final void unread(byte[] bytes, int length) {
        if (length > 0) {
            unread = bytes;
            unreadPos = 0;
            unreadLimit = length;
        }
    }

    private int takeUnread(byte[] buf, int off, int len) {
        int n = Math.min(len, unreadLimit - unreadPos);
        System.arraycopy(unread, unreadPos, buf, off, n);
        unreadPos += n;
        if (unreadPos == unreadLimit) {
            unread = null;
        }
        return n;
    }

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

    /** Whether the read timeout has passed: every read from now on throws {@link SocketTimeoutException}. */
    protected final boolean isReadExpired() {
        return readExpired;
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

    /**
     * Closes the connection with a reset (RST) instead of a FIN, for a response that must
     * not look complete: a FIN would end a close-delimited body as if it were whole. On the
     * connection's thread.
     */
    public final void abort() {
        state = CLOSED;
        abortTransport();
    }

    /** Closes the underlying connection so that the peer sees a reset; by default just closes it. */
    protected void abortTransport() {
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
