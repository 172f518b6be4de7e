package io.shockwave.runtime;

/**
 * Turns a failure of a handler into a response. It is called only while the response
 * is not yet committed; after that the protocol ends the exchange (closes the
 * connection, or resets the stream).
 */
@FunctionalInterface
public interface ErrorHandler {
    void handle(Request request, Response response, Throwable failure) throws Exception;
}
