package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A blocking TCP socket on a virtual thread: reads and writes park only this connection.
 * The portable transport, where the epoll one is not available; an idle connection keeps
 * its parked thread.
 */
final class TcpChannel extends SocketConnection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    TcpChannel(Socket socket, ServerContext context) throws IOException {
        super(context);
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    void configure() throws IOException {
        socket.setTcpNoDelay(true);
    }

    @Override
    int plainRead(byte[] buf, int off, int len) throws IOException {
        return in.read(buf, off, len);
    }

    @Override
    void plainWrite(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
    }

    /**
     * A blocked socket read cannot be woken otherwise: shut the input down. The read
     * returns, and a response (a 408, the last one before a stop) can still be written.
     */
    @Override
    protected void wakeReader() {
        try {
            socket.shutdownInput();
        } catch (IOException ignored) {
            // closed meanwhile: the read ends anyway
        }
    }

    @Override
    void plainShutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // closed or reset meanwhile: the client sees the end anyway
        }
    }

    @Override
    protected void resetOnClose() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed meanwhile: nothing to reset
        }
    }

    @Override
    protected void abortTransport() {
        resetOnClose();
        closeTransport();
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
    InetSocketAddress peerAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
