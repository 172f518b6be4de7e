package io.shockwave.http1.internal;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A connection in memory: each read returns bytes from one queued segment, so a test
 * decides where the client's bytes are split; then end of stream. Writes are kept.
 * A {@linkplain #suspending() suspending} one also models a client that pauses: a read
 * that does not wait finds nothing at a {@link #pause()}.
 */
final class MemoryChannel extends ConnectionChannel {
    private static final byte[] PAUSE = new byte[0];
    private final Deque<byte[]> segments = new ArrayDeque<>();
    private boolean suspends;
    private int segmentPos;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int writes;
    private int reads;
    private boolean transportClosed;
    private boolean outputShut;
    private Runnable resumed;

    MemoryChannel(ServerContext context) {
        super(context);
    }

    /** Makes this channel one that can suspend an idle connection. */
    MemoryChannel suspending() {
        suspends = true;
        return this;
    }

    /** The client sends nothing for a while: a read that does not wait finds nothing here once. */
    MemoryChannel pause() {
        segments.add(PAUSE);
        return this;
    }

    /**
     * If the engine suspended as it returned: lets the connection go, then the client's
     * next bytes arrive and wake it; returns what the transport would run on a new thread.
     * Null if the engine did not suspend.
     */
    Runnable suspension() {
        return letGo() ? resumed() : null;
    }

    /** Lets the connection go if the engine suspended it, as a transport does; whether it did. */
    boolean letGo() {
        if (!isSuspending()) {
            return false;
        }
        Runnable inline = completeSuspension();
        if (inline != null) {
            throw new AssertionError("woken while suspending: nothing here wakes it");
        }
        return true;
    }

    /** Something woke the suspended connection (bytes, an expiry, a close): what runs next. */
    Runnable resumed() {
        if (resumed == null) {
            wake(); // the client's bytes arrive
        }
        Runnable r = resumed;
        resumed = null;
        return r;
    }

    @Override
    public boolean canSuspend() {
        return suspends;
    }

    /** A client that paused has been idle long enough: the watchdog tells the parked connection to suspend. */
    @Override
    protected void awaitReadableNow() {
        checkDeadlines(System.nanoTime() + 2 * TICK_NANOS);
    }

    @Override
    protected boolean armForResume() {
        return true;
    }

    @Override
    protected void startResume(Runnable resume) {
        resumed = resume;
    }

    @Override
    protected void wakeReader() {
        // nothing blocks here: reads return at once
    }

    @Override
    protected void shutdownOutputNow() {
        outputShut = true;
    }

    @Override
    protected int readAvailableNow(byte[] buf, int off, int len) throws IOException {
        if (segments.peek() == PAUSE) {
            segments.poll();
            return 0;
        }
        return readNow(buf, off, len);
    }

    /** Queues bytes the client sends; each call is one segment, returned by separate reads. */
    MemoryChannel feed(byte[] segment) {
        segments.add(segment);
        return this;
    }

    MemoryChannel feed(String segment) {
        return feed(segment.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Queues {@code bytes} as segments of at most {@code size} bytes. */
    MemoryChannel feedInPieces(byte[] bytes, int size) {
        for (int i = 0; i < bytes.length; i += size) {
            feed(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
        }
        return this;
    }

    @Override
    protected int readNow(byte[] buf, int off, int len) throws IOException {
        if (transportClosed) {
            throw new SocketException("closed");
        }
        reads++;
        while (segments.peek() == PAUSE) {
            segments.poll(); // a blocking read waits the pause out
        }
        byte[] s = segments.peek();
        if (s == null) {
            return -1;
        }
        int n = Math.min(len, s.length - segmentPos);
        System.arraycopy(s, segmentPos, buf, off, n);
        segmentPos += n;
        if (segmentPos == s.length) {
            segments.poll();
            segmentPos = 0;
        }
        return n;
    }

    @Override
    protected void writeNow(byte[] buf, int off, int len) throws IOException {
        if (transportClosed || outputShut) {
            throw new SocketException("closed");
        }
        writes++;
        written.write(buf, off, len);
    }

    @Override
    protected void closeTransport() {
        transportClosed = true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    /** Everything the server wrote so far. */
    byte[] output() {
        return written.toByteArray();
    }

    String outputText() {
        return written.toString(StandardCharsets.ISO_8859_1);
    }

    /** How many times the server wrote to the transport. */
    int writeCalls() {
        return writes;
    }

    /** Whether the server sent its FIN (the first stage of a graceful close). */
    boolean outputShut() {
        return outputShut;
    }

    boolean transportClosed() {
        return transportClosed;
    }

    /** Whether every byte the client sent has been read. */
    boolean drained() {
        return segments.isEmpty();
    }
}
