package io.shockwave.runtime.spi;

import io.shockwave.runtime.DataRate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * One client connection as a protocol engine sees it: blocking reads and writes, and the
 * one home of its life-cycle: whether an exchange is in progress, whether a thread serves
 * it, when it times out, and how it closes. Transports supply the I/O primitives; every
 * decision about the connection's state is taken here.
 *
 * <h2>State</h2>
 * Two things change over a connection's life. They share one state word, so that every
 * transition is one compare-and-set and no two threads can both believe they own a change.
 *
 * <p>The <b>phase</b> says what the engine is doing:
 * <pre>
 *             beginIdle                       closeGracefully (stop, eviction):
 *   ┌──────┐ ──────────► ┌──────┐             an idle connection is woken to close,
 *   │ BUSY │             │ IDLE │             a busy one finishes what it has read,
 *   └──────┘ ◄────────── └──────┘             marking its last response "close"
 *       │    beginExchange   │
 *       └───────┬────────────┘
 *               ▼ closeGracefully
 *         ┌─────────┐  the engine shuts its output, drains the input a while, closes
 *         │ CLOSING │
 *         └─────────┘
 *               ▼ close, abort (any phase; close from any thread)
 *         ┌────────┐
 *         │ CLOSED │
 *         └────────┘
 * </pre>
 *
 * <p>The <b>owner</b> says whether a thread serves the connection. Only where the transport
 * {@linkplain #canSuspend() can suspend}: an idle connection then gives its thread back.
 * <pre>
 *            suspend (the engine, about to return)
 *   ┌─────────┐ ───────────► ┌────────────┐  armed   ┌───────────┐
 *   │ RUNNING │              │ SUSPENDING │ ───────► │ SUSPENDED │  no thread at all
 *   └─────────┘              └────────────┘          └───────────┘
 *     ▲     ▲                      │ wake                  │ wake: a new thread
 *     │     │                      ▼                       │ runs the resume
 *     │     │  the suspending ┌──────────────┐             │
 *     │     └─── thread ──────│ WAKE_PENDING │             │
 *     │      carries on itself└──────────────┘             │
 *     └────────────────────────────────────────────────────┘
 * </pre>
 * A wake-up is bytes arriving, a deadline passing, or a close: whoever wakes a suspended
 * connection moves it to RUNNING and starts the one thread that will serve it; a wake-up
 * during SUSPENDING is left for the suspending thread, which then does not let go. So
 * exactly one thread serves a connection at any time, and no wake-up is lost.
 *
 * <h2>Time</h2>
 * One policy: deadlines, checked by the server's watchdog every {@link #TICK_NANOS}
 * ({@link #checkDeadlines}). A read (or an idle wait, from {@link #beginIdle} through any
 * suspension) has a deadline after which it throws {@link SocketTimeoutException}; a write
 * slice has one after which the connection is reset; an idle connection parked for more
 * than one tick gives its thread back. Two minimum rates ({@link io.shockwave.runtime.Limits})
 * bound a client that drips just inside those: a request body read slower than its
 * {@linkplain #minReadRate rate} times out like a read, and a client that takes responses
 * slower than the response rate (bytes it received over the time writes waited on it since
 * the connection was last idle) is reset. Timed parks would schedule (and allocate) a timer
 * task on every wait, and most reads of a keep-alive connection are exactly such waits.
 *
 * <h2>Threads</h2>
 * One reader and one writer may use the channel at once (they may be different threads);
 * the life-cycle methods say which thread may call them.
 */
public abstract class ConnectionChannel implements ServerConnection, AutoCloseable {
    /** The granularity of every timeout, and how long an idle connection stays parked before it suspends. */
    public static final long TICK_NANOS = 200_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionChannel.class);
    private static final int WRITE_SLICE = 64 * 1024;

    private static final int PHASE = 0b0011;
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSING = 2;
    private static final int CLOSED = 3;
    private static final int OWNER = 0b1100;
    private static final int RUNNING = 0;
    private static final int SUSPENDING = 0b0100;
    private static final int SUSPENDED = 0b1000;
    private static final int WAKE_PENDING = 0b1100;
    private static final VarHandle STATE;
    private static final VarHandle READ_DEADLINE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(ConnectionChannel.class, "state", int.class);
            READ_DEADLINE = lookup.findVarHandle(ConnectionChannel.class, "readDeadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What ended an idle wait ({@link #awaitReadable}). */
    public enum IdleWake {
        /** Bytes may have arrived, or the idle timeout passed: read to find out. */
        READABLE,
        /** Idle long enough: {@link #suspend} and return. */
        SUSPEND,
        /** A graceful close was asked for, or the connection was closed. */
        CLOSE
    }

    private volatile int state = BUSY | RUNNING;
    private volatile long readDeadline;
    private volatile boolean readExpired;
    private volatile long writeDeadline;
    private volatile long idleSince;
    private volatile long parkedSince;
    private volatile boolean parkExpired;
    private long readTimeoutNanos;
    private final long writeTimeoutNanos;
    /**
     * The request-body rate window: whether one is open (0: none), bytes so far, the time
     * reads have waited in it, the start of the read waiting now (0: none), and the minimum.
     */
    private volatile long readRateSince;
    private volatile long readRateBytes;
    private volatile long readWaitedNanos;
    private volatile long readWaitSince;
    private volatile DataRate readRate = DataRate.NONE;
    /** The response rate window, since the connection was last idle: time blocked in writes, bytes written. */
    private volatile long writeSince;
    private volatile long writeBlockedNanos;
    private volatile long writeRateBytes;
    private final DataRate writeRate;
    private Runnable resume;
    private byte[] unread;
    private int unreadPos;
    private int unreadLimit;
    private final ServerContext context;

    protected ConnectionChannel(ServerContext context) {
        this.context = context;
        this.writeTimeoutNanos = context.timeouts().write().toNanos();
        this.writeRate = context.limits().minResponseRate();
    }

    // ---- bytes -----------------------------------------------------------------------

    /**
     * Reads at least one byte, blocking; -1 at end of stream; {@link SocketTimeoutException}
     * once the read timeout has passed (and on every read after); {@link SocketException} once the
     * connection was closed here.
     */
    public final int read(byte[] buf, int off, int len) throws IOException {
        if (readExpired) {
            throw timedOut();
        }
        if (unread != null) {
            return takeUnread(buf, off, len);
        }
        if (!isOpen()) {
            throw closed();
        }
        boolean own = readDeadline == 0; // an idle wait's deadline runs on through this read
        if (own) {
            startReadDeadline();
        }
        long waitStart = 0;
        if (readRateSince != 0) {
            waitStart = System.nanoTime();
            readWaitSince = waitStart;
        }
        try {
            int n = readNow(buf, off, len);
            if (readExpired) {
                throw timedOut();
            }
            if (n < 0 && !isOpen()) {
                throw closed(); // not the client's end of stream: the server closed it
            }
            if (n > 0 && readRateSince != 0) {
                readRateBytes += n; // only this thread writes it
            }
            return n;
        } catch (IOException e) {
            if (readExpired && !(e instanceof SocketTimeoutException)) {
                throw timedOut();
            }
            throw e;
        } finally {
            if (own) {
                readDeadline = 0;
            }
            if (waitStart != 0) {
                readWaitSince = 0; // first: the watchdog reads the two in the other order
                readWaitedNanos += System.nanoTime() - waitStart;
            }
        }
    }

    /**
     * Reads what has arrived without waiting: the number of bytes, 0 when none has, -1 at
     * end of stream. Only where the transport {@linkplain #canSuspend() can suspend}.
     */
    public final int readAvailable(byte[] buf, int off, int len) throws IOException {
        if (readExpired) {
            throw timedOut();
        }
        if (unread != null) {
            return takeUnread(buf, off, len);
        }
        if (!isOpen()) {
            throw closed();
        }
        int n = readAvailableNow(buf, off, len);
        if (n < 0 && !isOpen()) {
            throw closed();
        }
        return n;
    }

    /** Writes {@code buf[off, off+len)}, blocking; the connection is reset if the client stops draining it. */
    public final void write(byte[] buf, int off, int len) throws IOException {
        if (!isOpen()) {
            throw closed(); // also after an abort, when the descriptor is gone
        }
        long start = System.nanoTime();
        try {
            // A deadline per slice: the timeout bounds a stall, not a long transfer that progresses.
            for (int done = 0; done < len; ) {
                int n = Math.min(WRITE_SLICE, len - done);
                writeDeadline = (done == 0 ? start : System.nanoTime()) + writeTimeoutNanos;
                writeNow(buf, off + done, n);
                done += n;
            }
        } finally {
            writeDeadline = 0;
        }
        context.stats().bytesOut(len);
    }

    /**
     * Whether {@link #sendFile} can send a file from the kernel's page cache to the socket
     * without copying it through the JVM ({@code sendfile(2)}): cleartext on the epoll
     * transport. Elsewhere the engine copies the file through its buffers.
     */
    public boolean canSendFile() {
        return false;
    }

    /**
     * Sends {@code head[headOff, +headLen)} (a response's head, say) and then {@code count}
     * bytes of {@code file} from {@code position}, blocking, after what was written before;
     * only where {@link #canSendFile()}. As with {@link #write}, the connection is reset if
     * the client stops draining it for the write timeout. A file that cannot be opened fails
     * with a {@link java.io.FileNotFoundException} before anything is sent; one shorter than
     * {@code position + count} with an {@link java.io.EOFException}.
     */
    public final void sendFile(byte[] head, int headOff, int headLen, java.nio.file.Path file, long position,
                               long count) throws IOException {
        if (!isOpen()) {
            throw closed();
        }
        try {
            writeProgressed();
            sendFileNow(head, headOff, headLen, file, position, count);
        } finally {
            writeDeadline = 0;
        }
        context.stats().bytesOut(headLen + count);
    }

    /** The transport's half of {@link #sendFile}; calls {@link #writeProgressed} as the bytes go. */
    protected void sendFileNow(byte[] head, int headOff, int headLen, java.nio.file.Path file, long position,
                               long count) throws IOException {
        throw new UnsupportedOperationException("this transport cannot send files itself");
    }

    /** For {@link #sendFileNow}: bytes went out, so a stall is counted from now. */
    protected final void writeProgressed() {
        writeDeadline = System.nanoTime() + writeTimeoutNanos;
    }

    /**
     * For the engine: the request body it is about to read must arrive at {@code rate} at
     * least, from now on; {@link DataRate#NONE} when there is none to read. Slower, and the
     * reads time out, as they would after the read timeout.
     */
    public final void minReadRate(DataRate rate) {
        if (!rate.isEnabled() && readRateSince == 0) {
            return; // none open, none asked for: the usual case, a request without a body
        }
        readRate = rate;
        readRateBytes = 0;
        readWaitedNanos = 0;
        readRateSince = rate.isEnabled() ? System.nanoTime() | 1 : 0;
    }

    /**
     * The timeout of the following reads and idle waits, in milliseconds; 0 for none. An
     * idle wait's deadline already running starts again with it, and reads that had timed
     * out may read again (to drain a connection that is closing, say).
     */
    public final void readTimeout(int millis) {
        readTimeoutNanos = millis * 1_000_000L;
        readExpired = false;
        if (readDeadline != 0) {
            startReadDeadline();
        }
    }

    /**
     * Bytes read while choosing a protocol, returned again by the next reads, before any
     * given back earlier and not read again yet (a PROXY header's reader, then a protocol's).
     */
    public final void unread(byte[] bytes, int length) {
        if (length <= 0) {
            return;
        }
        if (unread != null && unreadPos < unreadLimit) {
            int rest = unreadLimit - unreadPos;
            byte[] joined = java.util.Arrays.copyOf(bytes, length + rest);
            System.arraycopy(unread, unreadPos, joined, length, rest);
            bytes = joined;
            length += rest;
        }
        unread = bytes;
        unreadPos = 0;
        unreadLimit = length;
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

    private void startReadDeadline() {
        readDeadline = readTimeoutNanos > 0 ? System.nanoTime() + readTimeoutNanos : 0;
    }

    private static SocketException closed() {
        return new SocketException("Socket closed");
    }

    private static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("read timed out");
    }

    // ---- the life-cycle, for the engine (on the connection's thread) ------------------

    /**
     * BUSY → IDLE: no exchange is in progress and the engine is about to wait for the next
     * request; the read timeout starts now and runs through parks and suspension. Returns
     * false if the connection is closing or closed: the engine should then end it.
     */
    public final boolean beginIdle() {
        if (!transition(BUSY, IDLE)) {
            return false;
        }
        idleSince = System.nanoTime();
        startReadDeadline();
        if (readRateSince != 0) {
            readRateSince = 0;
        }
        // A new window for the response rate: the client was fast enough to be done with the last.
        if (writeBlockedNanos != 0) {
            writeBlockedNanos = 0;
        }
        writeRateBytes = 0;
        return true;
    }

    /**
     * IDLE → BUSY: a request's first bytes arrived. Returns false if a graceful close was
     * asked for meanwhile: the engine still answers what it has read, as its last response.
     */
    public final boolean beginExchange() {
        readDeadline = 0;
        return transition(IDLE, BUSY);
    }

    /**
     * Waits, parked, while idle: see {@link IdleWake}. The read timeout set by
     * {@link #beginIdle} keeps running. Only where the transport can suspend.
     */
    public final IdleWake awaitReadable() throws IOException {
        parkExpired = false;
        parkedSince = System.nanoTime() | 1; // never 0, which means "not parked"
        try {
            awaitReadableNow();
        } finally {
            parkedSince = 0;
        }
        int phase = phase(state);
        if (phase == CLOSING || phase == CLOSED) {
            return IdleWake.CLOSE;
        }
        if (parkExpired && !readExpired) {
            parkExpired = false;
            return IdleWake.SUSPEND;
        }
        return IdleWake.READABLE;
    }

    /**
     * RUNNING → SUSPENDING: leaves the connection to a later thread. Once the engine has
     * returned from the call that serves it, the transport waits for bytes without a thread
     * and runs {@code resume} on a new one when they arrive, when the read timeout passes or
     * when the connection is closed. The caller must return at once and touch nothing after.
     */
    public final void suspend(Runnable resume) {
        if (!canSuspend()) {
            throw new IllegalStateException("this transport cannot suspend");
        }
        this.resume = resume;
        while (true) {
            int s = state;
            if ((s & OWNER) != RUNNING) {
                throw new IllegalStateException("suspended twice");
            }
            if (STATE.compareAndSet(this, s, (s & PHASE) | SUSPENDING)) {
                return;
            }
        }
    }

    /** Whether a graceful close was asked for: the response being written is the last. */
    public final boolean isClosing() {
        return phase(state) == CLOSING;
    }

    public final boolean isOpen() {
        return phase(state) != CLOSED;
    }

    /** Sends a FIN after what was written, leaving the input open: the first stage of a graceful close. */
    public final void shutdownOutput() {
        if (isOpen()) {
            shutdownOutputNow();
        }
    }

    /**
     * Ends the connection in stages (RFC 9112 §9.6): a FIN after what was written, then what
     * the client still sends is read and dropped until it closes or {@code lingerMillis}
     * passes, then the close. Closing with unread input would send a reset, which can
     * destroy the last response before the client has read it. On the connection's thread.
     */
    public final void closeInStages(int lingerMillis, byte[] scratch) {
        shutdownOutput();
        readTimeout(lingerMillis); // also lets a connection whose read timed out read again, to drain
        try {
            while (read(scratch, 0, scratch.length) >= 0) {
                // dropped: what the client sends after the last response is not answered
            }
        } catch (IOException e) {
            // lingered long enough, or the client reset: close now
        }
        close();
    }

    /**
     * Closes with a reset (RST) instead of a FIN, for a response that must not look
     * complete: a FIN would end a close-delimited body as if it were whole. On the
     * connection's thread.
     */
    public final void abort() {
        setPhase(CLOSED);
        abortTransport();
    }

    /** Closes the connection now, whatever it is doing; from any thread. */
    @Override
    public final void close() {
        setPhase(CLOSED);
        closeTransport();
        wake();
        wakeWriter();
    }

    // ---- for the server: stop, limits, watchdog (any thread) ---------------------------

    /**
     * Asks the connection to close gracefully: an idle one is woken to close at once, a
     * busy one finishes the exchange in progress (and every request it has already read),
     * marks its last response {@code Connection: close}, then closes in stages.
     */
    public final void closeGracefully() {
        while (true) {
            int s = state;
            int phase = s & PHASE;
            if (phase == CLOSING || phase == CLOSED) {
                return;
            }
            if (STATE.compareAndSet(this, s, (s & OWNER) | CLOSING)) {
                if (phase == IDLE) {
                    wake();
                } else if (closeRequestListener != null) {
                    closeRequestListener.run();
                }
                return;
            }
        }
    }

    private volatile Runnable closeRequestListener;

    /**
     * For an engine that multiplexes exchanges (HTTP/2): {@code listener} runs, on the
     * thread that asks, when a graceful close is asked for while the connection is busy, so
     * that the engine can say so at once (GOAWAY) instead of when its reader next looks. An
     * idle connection is woken instead, as always.
     */
    public final void onCloseRequest(Runnable listener) {
        this.closeRequestListener = listener;
    }

    /** Like {@link #closeGracefully}, but only if no exchange is in progress; returns whether it was idle. */
    public final boolean closeGracefullyIfIdle() {
        if (!transition(IDLE, CLOSING)) {
            return false;
        }
        wake();
        return true;
    }

    /** When the connection went idle ({@link System#nanoTime()}), or 0 while it is not idle. */
    public final long idleSince() {
        return phase(state) == IDLE ? idleSince : 0;
    }

    /**
     * For the watchdog, every {@link #TICK_NANOS}: closes a connection whose write stalled
     * past its deadline, ends a read past its deadline (it, and every read after, throws
     * {@link SocketTimeoutException}), and makes an idle connection parked for more than a
     * tick give its thread back.
     */
    public final void checkDeadlines(long now) {
        long w = writeDeadline;
        if (w != 0 && now - w > 0) {
            LOG.debug("Resetting {}: a write made no progress for {}", remoteAddress(), context.timeouts().write());
            cutOff();
            return;
        }
        if (writeTooSlow(now)) {
            LOG.debug("Resetting {}: it reads responses slower than {} bytes/s", remoteAddress(), writeRate.bytesPerSecond());
            cutOff();
            return;
        }
        long r = readDeadline;
        // The rate only while a read waits: time the handler spends elsewhere is not the client's.
        // Only if that read is still the one waiting: one that ended meanwhile reset the deadline.
        if (!readExpired && r != 0 && (now - r > 0 || readTooSlow(now)) && READ_DEADLINE.compareAndSet(this, r, 0L)) {
            readExpired = true;
            wake();
        }
        long p = parkedSince;
        if (p != 0 && now - p > TICK_NANOS && !parkExpired) {
            parkExpired = true;
            wakeReader();
        }
    }

    /**
     * Ends a connection whose client does not read: with a reset, and what the kernel still
     * holds for it dropped. A FIN would queue behind megabytes the client would go on
     * draining at its own pace, and could end a close-delimited body as if it were whole.
     */
    private void cutOff() {
        resetOnClose();
        close();
    }

    /**
     * Whether the request body arrives slower than its minimum rate: bytes read against the
     * time reads have waited for them (not the handler's time between reads), once the grace
     * passed.
     */
    private boolean readTooSlow(long now) {
        DataRate rate = readRate;
        long waited = readWaitedNanos; // before the start: see read()
        long since = readWaitSince;
        if (readRateSince == 0 || since == 0) {
            return false;
        }
        waited += now - since;
        if (waited <= rate.grace().toNanos()) {
            return false;
        }
        boolean slow = below(readRateBytes, waited, rate);
        if (slow) {
            LOG.debug("Request body from {} arrives slower than {} bytes/s", remoteAddress(), rate.bytesPerSecond());
        }
        return slow;
    }

    /**
     * Whether the client reads slower than the minimum response rate: bytes written against
     * the time spent waiting on it since the connection was last idle, once the grace passed.
     * Only where the transport says when a write waits ({@link #beginWaitingForRoom}).
     */
    private boolean writeTooSlow(long now) {
        long blocked = writeBlockedNanos; // before the start: the wait clears the start first, then adds
        long since = writeSince;
        if (since == 0 || !writeRate.isEnabled()) {
            return false; // no write waits on the client (or the transport cannot tell when one does)
        }
        blocked += now - since;
        // Bytes the kernel accepted are not yet the client's: a send buffer of megabytes would
        // hide a client that reads nothing for as long as it takes to drain at the minimum rate.
        return blocked > writeRate.grace().toNanos() && below(writeRateBytes - unsentBytes(), blocked, writeRate);
    }

    private static boolean below(long bytes, long nanos, DataRate rate) {
        return bytes < (double) rate.bytesPerSecond() * nanos / 1e9;
    }

    // ---- for transports ------------------------------------------------------------------

    /** A write in progress sent {@code n} more bytes, for the response rate. */
    protected final void wrote(int n) {
        writeRateBytes += n; // only the writer writes it
    }

    /**
     * The writer waits for the client to make room: the response rate counts this time
     * against it. Returns the start, for {@link #endWaitingForRoom}. Transports that cannot
     * tell when a write waits do not call it, and have no response rate.
     */
    protected final long beginWaitingForRoom() {
        long now = System.nanoTime();
        writeSince = now;
        return now;
    }

    protected final void endWaitingForRoom(long start) {
        writeSince = 0; // first: the watchdog reads the two in the other order
        writeBlockedNanos += System.nanoTime() - start;
    }

    /** Bytes written that the client has not received yet (still in the kernel's send queue); 0 if unknown. Any thread. */
    protected long unsentBytes() {
        return 0;
    }

    /**
     * Whether the engine left the connection suspending when it returned; then the
     * transport must call {@link #completeSuspension()}.
     */
    protected final boolean isSuspending() {
        return (state & OWNER) != RUNNING;
    }

    /**
     * On the connection's thread once the engine returned after {@link #suspend}: arms the
     * wait for bytes ({@link #armForResume}) and lets go. Returns null when the connection
     * is suspended: the thread must return and touch it no more, since another may already
     * own it. Returns the resume to run now, on this thread, when something woke the
     * connection while it was suspending (or the wait could not be armed).
     */
    protected final Runnable completeSuspension() {
        Runnable r = resume;
        boolean armed = armForResume();
        if (armed) {
            context.stats().connectionSuspended(1); // before anyone can resume it and count -1
        }
        while (true) {
            int s = state;
            int owner = s & OWNER;
            // A close asked for, or an expiry, since the engine last looked: its wake-up found
            // the connection running and only woke a reader that is no longer there. Checked
            // on the word the compare-and-set below tests, so none can slip in between.
            int phase = s & PHASE;
            boolean missed = phase == CLOSING || phase == CLOSED || readExpired;
            if (armed && owner == SUSPENDING && !missed) {
                if (STATE.compareAndSet(this, s, (s & PHASE) | SUSPENDED)) {
                    return null;
                }
            } else if (owner == SUSPENDING || owner == WAKE_PENDING) {
                if (STATE.compareAndSet(this, s, (s & PHASE) | RUNNING)) {
                    if (armed) {
                        context.stats().connectionSuspended(-1);
                    }
                    return r;
                }
            } else {
                throw new IllegalStateException("not suspending");
            }
        }
    }

    /**
     * Any thread: something the connection's owner must see happened (bytes arrived, a
     * deadline passed, a close). A parked reader is woken; a suspended connection gets the
     * one thread that resumes it; a suspending one keeps its thread.
     */
    protected final void wake() {
        while (true) {
            int s = state;
            switch (s & OWNER) {
                case RUNNING -> {
                    wakeReader();
                    return;
                }
                case SUSPENDING -> {
                    if (STATE.compareAndSet(this, s, (s & PHASE) | WAKE_PENDING)) {
                        return;
                    }
                }
                case WAKE_PENDING -> {
                    return;
                }
                default -> {
                    if (STATE.compareAndSet(this, s, (s & PHASE) | RUNNING)) {
                        context.stats().connectionSuspended(-1);
                        startResume(resume);
                        return;
                    }
                }
            }
        }
    }

    /**
     * For a transport's wait loops: whether a read waiting for bytes should stop waiting and
     * look again: the connection closed, the read timed out, or, for an idle wait, it should
     * suspend or close.
     */
    protected final boolean readWaitEnded(boolean idle) {
        int phase = phase(state);
        return phase == CLOSED || readExpired || (idle && (parkExpired || phase == CLOSING));
    }

    /** For a transport's wait loops: whether a write waiting for room should stop (the connection closed). */
    protected final boolean writeWaitEnded() {
        return phase(state) == CLOSED;
    }

    /** Reads at least one byte, blocking as long as it takes; -1 at end of stream. */
    protected abstract int readNow(byte[] buf, int off, int len) throws IOException;

    /** Reads without waiting, for {@link #readAvailable}. */
    protected int readAvailableNow(byte[] buf, int off, int len) throws IOException {
        throw new UnsupportedOperationException("this transport cannot suspend");
    }

    /** Parks until the transport sees bytes or {@link #readWaitEnded readWaitEnded(true)}. */
    protected void awaitReadableNow() throws IOException {
        throw new UnsupportedOperationException("this transport cannot suspend");
    }

    /** Writes every byte, blocking while the client does not drain them. */
    protected abstract void writeNow(byte[] buf, int off, int len) throws IOException;

    /**
     * Makes a reader blocked or parked on this connection look again ({@link #readWaitEnded}).
     * A transport that cannot wake a blocked read otherwise may shut the input down, which
     * still lets a response be written.
     */
    protected abstract void wakeReader();

    /** Makes a writer parked on this connection look again ({@link #writeWaitEnded}). */
    protected void wakeWriter() {
    }

    /** Asks for one wake-up when bytes arrive; false if the socket is gone. On the connection's thread. */
    protected boolean armForResume() {
        throw new UnsupportedOperationException("this transport cannot suspend");
    }

    /** Runs {@code resume} on a new thread, or closes the connection if none can be started. */
    protected void startResume(Runnable resume) {
        throw new UnsupportedOperationException("this transport cannot suspend");
    }

    /** Sends a FIN after what was written. */
    protected abstract void shutdownOutputNow();

    /** Closes the underlying connection; must unblock a read or write in progress. Any thread. */
    protected abstract void closeTransport();

    /**
     * Makes the final close of the connection send a reset and drop what is still queued
     * (SO_LINGER 0); any thread. By default nothing: the close is a plain one.
     */
    protected void resetOnClose() {
    }

    /** Closes the underlying connection so that the peer sees a reset; by default just closes it. */
    protected void abortTransport() {
        closeTransport();
    }

    /** Whether an idle connection can wait for bytes without holding a thread (see {@link #suspend}). */
    public boolean canSuspend() {
        return false;
    }

    public abstract InetSocketAddress remoteAddress();

    public abstract InetSocketAddress localAddress();

    public abstract boolean isSecure();

    public final ServerContext context() {
        return context;
    }

    // ---- the state word -------------------------------------------------------------------

    private static int phase(int s) {
        return s & PHASE;
    }

    private boolean transition(int from, int to) {
        while (true) {
            int s = state;
            if ((s & PHASE) != from) {
                return false;
            }
            if (STATE.compareAndSet(this, s, (s & OWNER) | to)) {
                return true;
            }
        }
    }

    private void setPhase(int phase) {
        while (true) {
            int s = state;
            if (STATE.compareAndSet(this, s, (s & OWNER) | phase)) {
                return;
            }
        }
    }
}
