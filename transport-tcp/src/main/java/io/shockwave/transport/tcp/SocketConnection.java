package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;

/** A TCP connection, whichever socket implementation carries it. */
abstract class SocketConnection extends ConnectionChannel {
    SocketConnection(ServerContext context) {
        super(context);
    }

    /**
     * Sets the per-connection socket options, on the connection's thread: TCP_NODELAY.
     * Not TCP_QUICKACK: an ACK of its own for every request, instead of one riding on the
     * response, cost a quarter of the keep-alive requests per CPU-second (measured 93k
     * with it against 116k without, medians of six alternating runs).
     */
    abstract void configure() throws IOException;

    /** Whether the engine suspended the connection as it returned (see {@link #letGo}). */
    final boolean suspending() {
        return isSuspending();
    }

    /**
     * Once the engine returned after suspending: null when the connection now waits
     * without a thread (the caller must not touch it again), or the resume to run at once
     * on this thread when something woke it meanwhile.
     */
    final Runnable letGo() {
        return completeSuspension();
    }

    /** The client a PROXY protocol header named, or null: then the peer is the client. */
    private volatile java.net.InetSocketAddress proxiedClient;

    /** The address of the socket's peer. */
    abstract java.net.InetSocketAddress peerAddress();

    /** The client, as a PROXY protocol header named it if the listener expects one; else the peer. */
    @Override
    public final java.net.InetSocketAddress remoteAddress() {
        java.net.InetSocketAddress client = proxiedClient;
        return client != null ? client : peerAddress();
    }

    /** From now on {@link #remoteAddress()} is {@code client}: the PROXY protocol header named it. */
    final void proxiedFrom(java.net.InetSocketAddress client) {
        this.proxiedClient = client;
    }

    /** Frees what the connection holds once it is finished and closed; on its last thread. */
    void release() {
    }

    // ---- TLS: once the handshake is done, the engine's bytes pass through the session ----

    private volatile TlsSession tls;

    /** From now on reads decrypt and writes encrypt; on the connection's thread, after the handshake. */
    final void startTls(TlsSession session) {
        this.tls = session;
    }

    final TlsSession tls() {
        return tls;
    }

    @Override
    public final boolean isSecure() {
        return tls != null;
    }

    @Override
    protected final int readNow(byte[] buf, int off, int len) throws IOException {
        TlsSession t = tls;
        return t == null ? plainRead(buf, off, len) : t.read(buf, off, len, true);
    }

    @Override
    protected final int readAvailableNow(byte[] buf, int off, int len) throws IOException {
        TlsSession t = tls;
        return t == null ? plainReadAvailable(buf, off, len) : t.read(buf, off, len, false);
    }

    @Override
    protected final void writeNow(byte[] buf, int off, int len) throws IOException {
        TlsSession t = tls;
        if (t == null) {
            plainWrite(buf, off, len);
        } else {
            t.write(buf, off, len);
        }
    }

    @Override
    protected final void awaitReadableNow() throws IOException {
        TlsSession t = tls;
        if (t != null && t.hasBufferedInput()) {
            return; // a whole record waits: the next read decrypts it
        }
        plainAwaitReadable();
    }

    /**
     * A FIN after what was written; over TLS, a close_notify first (RFC 8446 §6.1), so the
     * client can tell the end of the data from a cut connection. Only if the socket takes
     * it at once: a close must not wait on a client that does not read.
     */
    @Override
    protected final void shutdownOutputNow() {
        TlsSession t = tls;
        if (t != null) {
            t.tryCloseNotify(this);
        }
        plainShutdownOutput();
    }

    abstract void plainShutdownOutput();

    /** Writes what the socket takes without waiting; 0 where it cannot tell (JDK sockets): then nothing. */
    int plainTryWrite(byte[] buf, int off, int len) {
        return 0;
    }

    /** The socket's own blocking read: what the connection reads, or what carries its TLS records. */
    abstract int plainRead(byte[] buf, int off, int len) throws IOException;

    /** The socket's read without waiting: 0 when nothing has arrived. */
    int plainReadAvailable(byte[] buf, int off, int len) throws IOException {
        throw new UnsupportedOperationException("this transport cannot read without waiting");
    }

    abstract void plainWrite(byte[] buf, int off, int len) throws IOException;

    /** Parks until the socket has bytes (see {@link ConnectionChannel#awaitReadable}). */
    void plainAwaitReadable() throws IOException {
        throw new UnsupportedOperationException("this transport cannot wait without reading");
    }
}
