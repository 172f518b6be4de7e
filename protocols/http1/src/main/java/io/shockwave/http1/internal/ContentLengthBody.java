package io.shockwave.http1.internal;

import java.io.EOFException;
import java.io.IOException;

/** A body of known length (RFC 9112 §6.2). */
final class ContentLengthBody extends RequestBody {
    private long remaining;

    ContentLengthBody(Http1Connection connection, InputBuffer in) {
        super(connection, in);
    }

    ContentLengthBody reset(long length) {
        this.remaining = length;
        return this;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = readBuffered(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            connection.markBroken();
            throw new EOFException("client closed the connection with " + remaining + " body bytes unsent");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(remaining, in.available());
    }

    @Override
    boolean isComplete() {
        return remaining == 0;
    }
}
