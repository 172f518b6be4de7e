package io.shockwave.runtime;

/**
 * Told of every exchange once its response has ended, on every protocol: what an access
 * log and metrics are made of. Registered with {@code Server.Builder.observer}; with none,
 * exchanges are not even timed.
 *
 * <p>Called on the exchange's own thread, after the response went out (or was aborted) and
 * before the connection reads its next request: keep it short, never block, and copy what
 * you keep, since the request object is reused.
 */
@FunctionalInterface
public interface ExchangeObserver {
    /**
     * @param request       the request as the protocol parsed it (before any filter's wrapping)
     * @param status        the status sent
     * @param bodyBytes     the body bytes of the response (0 for HEAD, 204, 304)
     * @param durationNanos from the end of the request head to the end of the response
     * @param aborted       whether the response was cut off (a reset, or a connection closed
     *                      before its end) because the handler or the request body failed
     *                      after it had started: the client did not get what the status says
     */
    void exchangeEnded(Request request, Status status, long bodyBytes, long durationNanos, boolean aborted);
}
