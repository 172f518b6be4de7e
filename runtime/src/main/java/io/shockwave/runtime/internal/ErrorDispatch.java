package io.shockwave.runtime.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.ExceptionHandler;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.MethodNotAllowed;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;

import java.util.Map;

/**
 * Where every failure goes, whoever raised it (the router's 404 and 405, or a handler that
 * threw): a {@link MethodNotAllowed} first gets its {@code Allow} on the response (RFC 9110
 * §15.5.6), since the protocol has cleared what was set before; then the handler registered
 * for the failure's class or its nearest superclass answers, or else the server's error
 * handler. A handler that throws fails like an error handler that throws: the protocol
 * answers 500 or aborts the response.
 */
public final class ErrorDispatch implements ErrorHandler {
    private final Map<Class<? extends Throwable>, ExceptionHandler<?>> handlers;
    private final ErrorHandler fallback;

    public ErrorDispatch(Map<Class<? extends Throwable>, ExceptionHandler<?>> handlers, ErrorHandler fallback) {
        this.handlers = Map.copyOf(handlers);
        this.fallback = fallback;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void handle(Request request, Response response, Throwable failure) throws Exception {
        if (failure instanceof MethodNotAllowed m) {
            response.headers().set(HeaderName.ALLOW, m.allow());
        }
        if (!handlers.isEmpty()) {
            for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                ExceptionHandler<Throwable> h = (ExceptionHandler<Throwable>) handlers.get(c);
                if (h != null) {
                    h.handle(failure, request, response);
                    return;
                }
            }
        }
        fallback.handle(request, response, failure);
    }
}
