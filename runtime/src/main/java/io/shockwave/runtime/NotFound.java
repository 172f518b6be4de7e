package io.shockwave.runtime;

/**
 * No route matches the request's path: 404. The router hands it to the server's
 * {@link ErrorHandler}, which answers it like every other failure; a handler may throw it too.
 * It carries no stack trace, and the router's is one shared instance.
 */
public class NotFound extends HttpException {
    public NotFound() {
        super(Status.NOT_FOUND);
    }

    public NotFound(String message) {
        super(Status.NOT_FOUND, message);
    }
}
