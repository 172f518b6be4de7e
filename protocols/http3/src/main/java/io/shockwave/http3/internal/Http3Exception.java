package io.shockwave.http3.internal;

/** An HTTP/3 error with its code (RFC 9114 §8.1): of the stream or of the connection, as the caller decides. */
final class Http3Exception extends Exception {
    private final long code;

    Http3Exception(long code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    long code() {
        return code;
    }
}
