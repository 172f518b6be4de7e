package io.shockwave.http3.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Variable-length integers and frame payloads read from one QUIC stream through a small buffer. */
final class FrameInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;

    FrameInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** The next variable-length integer, or -1 at the end of the stream before its first byte. */
    long varintOrEnd() throws IOException {
        if (!fill()) {
            return -1;
        }
        int first = buf[pos++] & 0xFF;
        int n = 1 << (first >>> 6);
        long v = first & 0x3F;
        for (int i = 1; i < n; i++) {
            if (!fill()) {
                throw new EOFException("stream ended inside an integer");
            }
            v = v << 8 | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long varint() throws IOException {
        long v = varintOrEnd();
        if (v < 0) {
            throw new EOFException("stream ended inside a frame");
        }
        return v;
    }

    /** Reads exactly {@code len} bytes. */
    void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int n = read(dst, off, len);
            if (n < 0) {
                throw new EOFException("stream ended inside a frame");
            }
            off += n;
            len -= n;
        }
    }

    /** Up to {@code len} bytes, at least one unless the stream ended (-1). */
    int read(byte[] dst, int off, int len) throws IOException {
        if (pos == limit) {
            if (len >= buf.length) {
                return in.read(dst, off, len); // large reads straight from the stream
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    /** Discards {@code n} bytes (an unknown frame's payload). */
    void skip(long n) throws IOException {
        while (n > 0) {
            if (!fill()) {
                throw new EOFException("stream ended inside a frame");
            }
            int k = (int) Math.min(n, limit - pos);
            pos += k;
            n -= k;
        }
    }
}
