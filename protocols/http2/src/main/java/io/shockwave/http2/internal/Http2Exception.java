package io.shockwave.http2.internal;

/**
 * A protocol error the client caused (RFC 9113 §5.4): a connection error ends the
 * connection with GOAWAY, a stream error resets only its stream. Without a stack trace:
 * a client can cause these at will, and they are answered, not debugged.
 */
final class Http2Exception extends Exception {
    private final int code;
    private final boolean connection;

    private Http2Exception(int code, boolean connection, String message) {
        super(message, null, false, false);
        this.code = code;
        this.connection = connection;
    }

    static Http2Exception connection(int code, String message) {
        return new Http2Exception(code, true, message);
    }

    static Http2Exception stream(int code, String message) {
        return new Http2Exception(code, false, message);
    }

    int code() {
        return code;
    }

    boolean isConnectionError() {
        return connection;
    }

    @Override
    public String toString() {
        return (connection ? "connection error " : "stream error ") + Frames.errorName(code) + ": " + getMessage();
    }
}
