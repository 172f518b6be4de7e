package io.shockwave.runtime.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.ExceptionHandler;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;

import java.util.Map;

/**
 * Sends a failure to the handler registered for its class or its nearest superclass, and
 * a failure none is registered for to the server's error handler. A handler that throws
 * fails like an error handler that throws: the protocol answers 500 or aborts the response.
 */
public final class ExceptionMapping implements ErrorHandler {
    private final Map<Class<? extends Throwable>, ExceptionHandler<?>> handlers;
    private final ErrorHandler fallback;

    public ExceptionMapping(Map<Class<? extends Throwable>, ExceptionHandler<?>> handlers, ErrorHandler fallback) {
        this.handlers = Map.copyOf(handlers);
        this.fallback = fallback;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void handle(Request request, Response response, Throwable failure) throws Exception {
        for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            ExceptionHandler<Throwable> h = (ExceptionHandler<Throwable>) handlers.get(c);
            if (h != null) {
                h.handle(failure, request, response);
                return;
            }
        }
        fallback.handle(request, response, failure);
    }
}
