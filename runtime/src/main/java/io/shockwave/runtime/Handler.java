package io.shockwave.runtime;

/**
 * Answers one request. A handler is a plain blocking method: it runs on its own
 * virtual thread, so it may read the body as a stream, write the response as a
 * stream, sleep or call a database, and blocks only itself.
 */
@FunctionalInterface
public interface Handler {
    void handle(Request request, Response response) throws Exception;
}
