package io.shockwave.benchmarks;

import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP/2 connection with no socket behind it, for a benchmark thread that plays the
 * client: {@link #exchange} hands the connection's reader one read's worth of frames and
 * waits until the server has written that many streams' last frames. Writes are parsed
 * only as far as frame headers (so the server's HPACK state is never decoded, except for
 * what {@link #capture} keeps), counting the streams that ended and the DATA bytes the
 * client must give back as connection credit.
 *
 * <p>The reader waits in {@link #readNow}, as on a transport that cannot suspend: a
 * blocking read, parked until {@link #exchange} offers bytes.
 */
final class InMemoryHttp2Channel extends ConnectionChannel {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50_000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;

    private volatile byte[] input;
    private int inputLength;
    private int cursor;
    private volatile Thread reader;
    private volatile Thread client;
    private volatile boolean closed;

    // Frame-header parsing of what the server writes; only the server's writer touches these.
    private final byte[] header = new byte[9];
    private int headerBytes;
    private int payloadLeft;
    private int frameType;
    private volatile int ended;
    private long dataBytes;
    private volatile String failure;

    long writes;
    /** When set, written bytes are also kept here, for checking the first responses. */
    ByteArrayOutputStream capture;

    InMemoryHttp2Channel(ServerContext context) {
        super(context);
    }

    /**
     * Offers {@code frames[0, length)} to the reader and waits until {@code streams} more
     * streams have ended; returns the DATA payload bytes written meanwhile, which the
     * client owes as a connection WINDOW_UPDATE.
     */
    long exchange(byte[] frames, int length, int streams) {
        int target = ended + streams;
        long dataBefore = dataBytes;
        client = Thread.currentThread();
        inputLength = length;
        input = frames;
        LockSupport.unpark(reader);
        while (ended < target) {
            if (failure != null || closed) {
                throw new IllegalStateException("the server ended the exchange: " + failure);
            }
            LockSupport.park(this);
        }
        return dataBytes - dataBefore;
    }

    @Override
    protected int readNow(byte[] buf, int off, int len) throws IOException {
        reader = Thread.currentThread();
        byte[] src;
        while ((src = input) == null) {
            if (closed) {
                return -1;
            }
            LockSupport.park(this);
        }
        int n = Math.min(len, inputLength - cursor);
        System.arraycopy(src, cursor, buf, off, n);
        cursor += n;
        if (cursor == inputLength) {
            cursor = 0;
            input = null;
        }
        return n;
    }

    @Override
    protected void writeNow(byte[] buf, int off, int len) {
        writes++;
        if (capture != null) {
            capture.write(buf, off, len);
        }
        int end = off + len;
        int endedNow = 0;
        while (off < end) {
            if (payloadLeft > 0) {
                int n = Math.min(payloadLeft, end - off);
                payloadLeft -= n;
                off += n;
                continue;
            }
            int n = Math.min(9 - headerBytes, end - off);
            System.arraycopy(buf, off, header, headerBytes, n);
            headerBytes += n;
            off += n;
            if (headerBytes < 9) {
                break;
            }
            headerBytes = 0;
            payloadLeft = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | (header[2] & 0xFF);
            frameType = header[3] & 0xFF;
            int flags = header[4] & 0xFF;
            if (frameType == DATA) {
                dataBytes += payloadLeft;
            }
            if ((frameType == DATA || frameType == HEADERS) && (flags & END_STREAM) != 0) {
                endedNow++;
            } else if (frameType == RST_STREAM || frameType == GOAWAY) {
                failure = frameType == RST_STREAM ? "RST_STREAM" : "GOAWAY";
            }
        }
        if (endedNow > 0 || failure != null) {
            ended += endedNow; // only the writer role writes it
            LockSupport.unpark(client);
        }
    }

    @Override
    protected void wakeReader() {
        LockSupport.unpark(reader);
    }

    @Override
    protected void shutdownOutputNow() {
    }

    @Override
    protected void closeTransport() {
        closed = true;
        LockSupport.unpark(reader);
        LockSupport.unpark(client);
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
