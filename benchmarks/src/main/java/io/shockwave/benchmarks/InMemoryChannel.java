package io.shockwave.benchmarks;

import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.internal.DefaultErrorHandler;
import io.shockwave.runtime.internal.ServerRuntime;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /**
     * The server a benchmarked connection belongs to: the real runtime with default limits
     * and timeouts. Its watchdog thread wakes every 200 ms to scan no connections.
     */
    static ServerContext context(Handler handler) {
        return new ServerRuntime(handler, new DefaultErrorHandler(), Limits.DEFAULT, Timeouts.DEFAULT, List.of(),
                "shockwave".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    protected int readNow(byte[] buf, int off, int len) {
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
    protected void writeNow(byte[] buf, int off, int len) {
        writes++;
        bytesWritten += len;
        if (capture != null) {
            capture.write(buf, off, len);
        }
    }

    @Override
    protected void wakeReader() {
    }

    @Override
    protected void shutdownOutputNow() {
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
