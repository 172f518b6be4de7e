package io.shockwave.runtime;

/**
 * Ends an exchange with a given status. Thrown by handlers to refuse a request, and by
 * the server for bad input (an over-long body, a malformed query). It carries no
 * stack trace: it is a value on an error path, not a bug report.
 */
public class HttpException extends RuntimeException {
    private final Status status;

    public HttpException(Status status) {
        this(status, status.reason());
    }

    public HttpException(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
