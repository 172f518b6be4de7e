package io.shockwave.runtime;

/**
 * A route matches the request's path but has no handler for its method: 405. By the time
 * the {@link ErrorHandler} gets it, the response already carries {@code Allow} with the
 * methods the route serves (RFC 9110 §15.5.6); {@link #allow()} names them too.
 */
public class MethodNotAllowed extends HttpException {
    private final String allow;

    public MethodNotAllowed(String allow) {
        super(Status.METHOD_NOT_ALLOWED);
        this.allow = allow;
    }

    /** The methods the target serves, as the {@code Allow} field value: {@code GET, HEAD}. */
    public String allow() {
        return allow;
    }
}
