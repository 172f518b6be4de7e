package io.shockwave.transport.tcp;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * TLS on one connection: the JDK's {@link SSLEngine} between the engine's plaintext and
 * the socket's records. Records are read into {@link #netIn} and decrypted into
 * {@link #appIn}, or straight into the caller's array when it has room for a whole
 * record; plaintext is encrypted into {@link #netOut}, several records per socket write.
 *
 * <p>A reader and a writer may use it at once (HTTP/2): {@code SSLEngine} allows
 * {@code wrap} and {@code unwrap} to run concurrently, and the write lock keeps records in
 * order when the reader must write too (a TLS 1.3 key update). While the connection is
 * idle and nothing is buffered, the buffers go back, so an idle TLS connection costs the
 * engine's state and not its buffers.
 */
final class TlsSession {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Records gathered into one socket write. */
    private static final int RECORDS_PER_WRITE = 4;

    private final SSLEngine engine;
    private final SocketConnection socket;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Ciphertext read and not yet decrypted: position..limit. */
    private ByteBuffer netIn;
    /** Plaintext decrypted and not yet read: position..limit. */
    private ByteBuffer appIn;
    private ByteBuffer netOut;

    TlsSession(SSLEngine engine, SocketConnection socket, ByteBuffer received) {
        this.engine = engine;
        this.socket = socket;
        this.netIn = received;
    }

    /** What the handshake left: ciphertext not yet decrypted, plaintext that came with its last records. */
    void adopt(ByteBuffer netIn, ByteBuffer appIn) {
        this.netIn = netIn;
        this.appIn = appIn.hasRemaining() ? appIn : null;
    }

    SSLEngine engine() {
        return engine;
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    private int applicationSize() {
        return engine.getSession().getApplicationBufferSize();
    }

    /**
     * Decrypts into {@code b}: at least one byte, -1 at the end (close_notify or the socket's
     * end), or 0 when {@code block} is false and no whole record has arrived.
     */
    int read(byte[] b, int off, int len, boolean block) throws IOException {
        while (true) {
            if (appIn != null && appIn.hasRemaining()) {
                int n = Math.min(len, appIn.remaining());
                appIn.get(b, off, n);
                return n;
            }
            if (netIn != null && netIn.hasRemaining()) {
                int n = unwrap(b, off, len);
                if (n != 0) {
                    return n;
                }
            }
            // More ciphertext is needed: append it after what is left of a partial record.
            if (netIn == null) {
                netIn = ByteBuffer.allocate(packetSize());
                netIn.limit(0);
            } else {
                netIn.compact().flip();
                if (netIn.limit() == netIn.capacity()) {
                    netIn = grow(netIn, packetSize());
                }
            }
            int at = netIn.limit();
            int n = block ? socket.plainRead(netIn.array(), at, netIn.capacity() - at)
                    : socket.plainReadAvailable(netIn.array(), at, netIn.capacity() - at);
            if (n <= 0) {
                return n;
            }
            netIn.limit(at + n);
        }
    }

    /** Decrypts what {@link #netIn} holds: bytes given to {@code b}, -1 at close_notify, 0 if a record is incomplete. */
    private int unwrap(byte[] b, int off, int len) throws IOException {
        while (netIn.hasRemaining()) {
            // Straight into the caller's array when it can take a whole record: no copy.
            boolean direct = len >= applicationSize();
            ByteBuffer dst;
            if (direct) {
                dst = ByteBuffer.wrap(b, off, len);
            } else {
                if (appIn == null || appIn.capacity() < applicationSize()) {
                    appIn = ByteBuffer.allocate(applicationSize());
                }
                appIn.clear();
                dst = appIn;
            }
            SSLEngineResult r = engine.unwrap(netIn, dst);
            if (!direct) {
                appIn.flip();
            }
            handshakeWork(r.getHandshakeStatus());
            switch (r.getStatus()) {
                case OK -> {
                    if (direct && r.bytesProduced() > 0) {
                        return r.bytesProduced();
                    }
                    if (!direct && appIn.hasRemaining()) {
                        int n = Math.min(len, appIn.remaining());
                        appIn.get(b, off, n);
                        return n;
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    return 0;
                }
                case BUFFER_OVERFLOW -> appIn = ByteBuffer.allocate(applicationSize() * 2);
                case CLOSED -> {
                    return -1;
                }
            }
        }
        return 0;
    }

    /**
     * Post-handshake messages (a TLS 1.3 key update, say) may ask the reader to write. A new
     * handshake on TLS 1.2 is a renegotiation: refused (RFC 9113 §9.2.1 forbids it for h2,
     * and each one costs the server a signature).
     */
    private void handshakeWork(SSLEngineResult.HandshakeStatus status) throws IOException {
        if (status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && status != SSLEngineResult.HandshakeStatus.FINISHED
                && "TLSv1.2".equals(engine.getSession().getProtocol())) {
            throw new SocketException("TLS renegotiation refused");
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            write(EMPTY.array(), 0, 0, true);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Whether plaintext, or a whole record, waits in the buffers: then a read goes on without
     * waiting for the socket. Part of a record does not count: the rest must come first.
     */
    boolean hasBufferedInput() {
        if (appIn != null && appIn.hasRemaining()) {
            return true;
        }
        ByteBuffer n = netIn;
        if (n == null || n.remaining() < 5) {
            return false;
        }
        int p = n.position();
        int length = (n.get(p + 3) & 0xFF) << 8 | (n.get(p + 4) & 0xFF);
        return n.remaining() >= 5 + length;
    }

    /** Encrypts {@code b[off, off+len)} and writes the records. */
    void write(byte[] b, int off, int len) throws IOException {
        write(b, off, len, false);
    }

    private void write(byte[] b, int off, int len, boolean handshakeOnly) throws IOException {
        writeLock.lock();
        try {
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            if (netOut == null) {
                netOut = ByteBuffer.allocate(packetSize() * RECORDS_PER_WRITE);
            }
            do {
                netOut.clear();
                // As many records as fit, then one socket write.
                while ((src.hasRemaining() || handshakeOnly) && netOut.remaining() >= packetSize()) {
                    SSLEngineResult r = engine.wrap(src, netOut);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SocketException("TLS closed");
                    }
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    if (handshakeOnly && r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        handshakeOnly = false;
                        break;
                    }
                    if (r.bytesProduced() == 0 && r.bytesConsumed() == 0) {
                        break;
                    }
                }
                netOut.flip();
                if (netOut.hasRemaining()) {
                    socket.plainWrite(netOut.array(), 0, netOut.limit());
                }
            } while (src.hasRemaining());
        } catch (SSLException e) {
            throw new SocketException("TLS failed: " + e.getMessage());
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends close_notify if no write is under way, without waiting for the socket: the
     * record is a few dozen bytes, which a socket takes unless its buffer is full to the
     * brim with what the client does not read.
     */
    void tryCloseNotify(SocketConnection channel) {
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            engine.closeOutbound();
            ByteBuffer out = netOut != null ? netOut : ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            out.clear();
            engine.wrap(EMPTY, out);
            out.flip();
            if (out.hasRemaining()) {
                channel.plainTryWrite(out.array(), 0, out.limit());
            }
        } catch (SSLException e) {
            // the session is already broken: the FIN alone ends it
        } finally {
            writeLock.unlock();
        }
    }

    /** While idle: gives the buffers back if they hold nothing, unless a write is under way. */
    void releaseBuffersIfEmpty() {
        if (appIn != null && !appIn.hasRemaining()) {
            appIn = null;
        }
        if (netIn != null && !netIn.hasRemaining()) {
            netIn = null;
        }
        if (netOut != null && writeLock.tryLock()) {
            try {
                netOut = null;
            } finally {
                writeLock.unlock();
            }
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, atLeast));
        bigger.put(b.array(), b.position(), b.remaining());
        bigger.flip();
        return bigger;
    }
}
