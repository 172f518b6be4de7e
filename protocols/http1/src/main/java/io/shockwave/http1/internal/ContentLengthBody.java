package io.shockwave.http1.internal;

import java.io.IOException;

/** A body of known length (RFC 9112 §6.2). */
final class ContentLengthBody extends RequestBody {
    private long remaining;

    ContentLengthBody(Http1Connection connection, InputBuffer in) {
        super(connection, in);
    }

    ContentLengthBody reset(long length) {
        this.remaining = length;
        clearFailure();
        return this;
    }

    @Override
    int readBody(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = readBuffered(b, off, (int) Math.min(len, remaining));
        remaining -= n;
        return n;
    }

    @Override
    int bufferedBodyBytes() {
        return (int) Math.min(remaining, in.available());
    }

    @Override
    boolean requestFollows() {
        return in.available() > remaining;
    }

    @Override
    boolean isComplete() {
        return remaining == 0 && failure() == null;
    }
}
