package io.shockwave.benchmarks;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;

/**
 * A connection with no socket behind it: reads hand out {@code input} over and over, as a
 * client that sends the same request forever would, and writes are counted and dropped.
 * A read returns as much of the input as the caller has room for, continuing where the
 * previous read stopped, so a request that straddles the end of the read buffer arrives
 * in two reads, as it would from a socket.
 */
final class InMemoryChannel extends ConnectionChannel {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50_000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

    private final byte[] input;
    private int cursor;
    long reads;
    long writes;
    long bytesWritten;
    /** When set, written bytes are also kept here, for checking a response once in setup. */
    ByteArrayOutputStream capture;

    InMemoryChannel(ServerContext context, byte[] input) {
        super(context);
        this.input = input;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        int n = Math.min(len, input.length - cursor);
        System.arraycopy(input, cursor, buf, off, n);
        cursor += n;
        if (cursor == input.length) {
            cursor = 0;
        }
        reads++;
        return n;
    }

    @Override
    public void readTimeout(int millis) {
    }

    @Override
    protected void writeFully(byte[] buf, int off, int len) {
        writes++;
        bytesWritten += len;
        if (capture != null) {
            capture.write(buf, off, len);
        }
    }

    @Override
    protected void closeTransport() {
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return REMOTE;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
