package io.shockwave.runtime;

/**
 * Turns a failure of a handler into a response. It is called only while the response
 * is not yet committed, after the protocol has cleared what the handler set on it (status,
 * headers, trailers); after commit the protocol ends the exchange instead (closes the
 * connection, or resets the stream).
 */
@FunctionalInterface
public interface ErrorHandler {
    void handle(Request request, Response response, Throwable failure) throws Exception;
}
