package io.shockwave.runtime.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link HttpException} or a {@link RequestBodyException} becomes its status with its
 * message as plain text, logged at debug since a client caused it; anything else is a bug
 * in a handler: it is logged once and becomes a 500 that reveals nothing.
 */
public final class DefaultErrorHandler implements ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultErrorHandler.class);

    @Override
    public void handle(Request request, Response response, Throwable failure) {
        Status status = null;
        if (failure instanceof HttpException e) {
            status = e.status();
        } else if (failure instanceof RequestBodyException e) {
            status = e.status();
        }
        if (status != null) {
            if (LOG.isDebugEnabled()) { // rawPath() makes a String: not for every 404 of a scan
                LOG.debug("{} {}: {} {}", request.method(), request.rawPath(), status.code(), failure.getMessage());
            }
            response.status(status).contentType("text/plain; charset=utf-8").send(failure.getMessage());
            return;
        }
        LOG.warn("Handler failed on {} {}", request.method(), request.rawPath(), failure);
        response.status(Status.INTERNAL_SERVER_ERROR).contentType("text/plain").send(Status.INTERNAL_SERVER_ERROR.reason());
    }
}
