package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A blocking TCP socket on a virtual thread: reads and writes park only this connection. */
final class TcpChannel extends ConnectionChannel {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private int readTimeoutMillis;
    private volatile long readDeadline;
    private volatile boolean readExpired;
    private byte[] unread;
    private int unreadPos;
    private int unreadLimit;

    TcpChannel(Socket socket, ServerContext context) throws IOException {
        super(context);
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
    }

    Socket socket() {
        return socket;
    }

    /** Bytes read while choosing a protocol, returned again by the next reads. */
    void unread(byte[] bytes, int length) {
        if (length > 0) {
            unread = bytes;
            unreadPos = 0;
            unreadLimit = length;
        }
    }

    int readRaw(byte[] buf, int off, int len) throws IOException {
        return timedRead(buf, off, len);
    }

    /**
     * A read bounded by the read timeout. The deadline is enforced by the server's
     * watchdog, not SO_TIMEOUT: a timed park schedules (and allocates) a timer task on
     * every read, and most reads of a keep-alive connection are exactly such waits. An
     * expired read is ended by shutting down the input, so a 408 can still be written.
     */
    private int timedRead(byte[] buf, int off, int len) throws IOException {
        if (readExpired) {
            throw new SocketTimeoutException("read timed out");
        }
        if (readTimeoutMillis > 0) {
            readDeadline = System.nanoTime() + readTimeoutMillis * 1_000_000L;
        }
        try {
            int n = in.read(buf, off, len);
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

    @Override
    public boolean readStalled(long now) {
        long deadline = readDeadline;
        return deadline != 0 && now - deadline > 0;
    }

    @Override
    public void expireRead() {
        readExpired = true;
        try {
            socket.shutdownInput();
        } catch (IOException ignored) {
            // closed meanwhile: the read ends anyway
        }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (unread != null) {
            int n = Math.min(len, unreadLimit - unreadPos);
            System.arraycopy(unread, unreadPos, buf, off, n);
            unreadPos += n;
            if (unreadPos == unreadLimit) {
                unread = null;
            }
            return n;
        }
        return timedRead(buf, off, len);
    }

    @Override
    public void readTimeout(int millis) {
        readTimeoutMillis = millis;
    }

    @Override
    protected void writeFully(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
    }

    @Override
    protected void closeTransport() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed or reset: nothing to release
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
