package io.shockwave.runtime;

/**
 * Answers one type of failure, registered with {@code Server.Builder.exception}:
 * {@code exception(NotFound.class, (e, req, res) -> res.status(404).send("no such page"))}.
 * Like an {@link ErrorHandler} it runs only while the response is not committed, after what
 * the failed handler set on it was cleared.
 */
@FunctionalInterface
public interface ExceptionHandler<T extends Throwable> {
    void handle(T failure, Request request, Response response) throws Exception;
}
