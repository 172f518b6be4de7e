package io.shockwave.runtime;

import java.io.IOException;

/**
 * Reading the request body failed: its framing was malformed (400), it grew past the
 * body limit (413), the client sent it too slowly or stopped sending (408), or the
 * connection failed under it (400, with the transport's exception as the cause).
 *
 * <p>An {@link IOException}, so that a handler's {@code catch (IOException e)} sees it,
 * and latched: once a body has failed, every later read throws the same exception. A
 * handler cannot turn such an exchange into a success by catching it; the server answers
 * with {@link #status()} through the error handler if nothing of the response has left
 * yet, and otherwise aborts the response so that the client sees it incomplete.
 */
public class RequestBodyException extends IOException {
    private final Status status;

    public RequestBodyException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public RequestBodyException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The status the client is answered with, when it can still be answered. */
    public Status status() {
        return status;
    }

    /** No stack trace: a client causes this, and it is reported by its status and message. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
