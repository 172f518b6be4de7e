package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A blocking TCP socket on a virtual thread: reads and writes park only this connection. */
final class TcpChannel extends ConnectionChannel {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
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

    /** Shuts the input down: a blocked read returns, and a 408 can still be written. */
    @Override
    protected void interruptRead() {
        try {
            socket.shutdownInput();
        } catch (IOException ignored) {
            // closed meanwhile: the read ends anyway
        }
    }

    @Override
    protected int readNow(byte[] buf, int off, int len) throws IOException {
        if (unread != null) {
            int n = Math.min(len, unreadLimit - unreadPos);
            System.arraycopy(unread, unreadPos, buf, off, n);
            unreadPos += n;
            if (unreadPos == unreadLimit) {
                unread = null;
            }
            return n;
        }
        return in.read(buf, off, len);
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
