package io.shockwave.http1.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;

import java.util.List;

/**
 * A server context for one connection under test. Its error handler answers like the
 * server's default one: an {@link HttpException} or {@link RequestBodyException} becomes its status and message, any
 * other failure a 500.
 */
final class StubContext implements ServerContext {
    private final Handler handler;
    private final Limits limits;
    private final ServerStats stats = new ServerStats();
    private byte[] serverHeader;

    StubContext(Handler handler) {
        this(handler, Limits.DEFAULT);
    }

    StubContext(Handler handler, Limits limits) {
        this.handler = handler;
        this.limits = limits;
    }

    StubContext serverHeader(String value) {
        this.serverHeader = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return this;
    }

    @Override
    public Handler handler() {
        return handler;
    }

    @Override
    public ErrorHandler errorHandler() {
        return (request, response, failure) -> {
            response.headers().clear();
            if (failure instanceof HttpException e) {
                response.status(e.status()).contentType("text/plain; charset=utf-8").send(e.getMessage());
            } else if (failure instanceof RequestBodyException e) {
                response.status(e.status()).contentType("text/plain; charset=utf-8").send(e.getMessage());
            } else {
                response.status(Status.INTERNAL_SERVER_ERROR).contentType("text/plain")
                        .send(Status.INTERNAL_SERVER_ERROR.reason());
            }
        };
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public Timeouts timeouts() {
        return Timeouts.DEFAULT;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    @Override
    public List<ProtocolProvider> protocols() {
        return List.of();
    }

    @Override
    public byte[] serverHeader() {
        return serverHeader;
    }

    @Override
    public void register(io.shockwave.runtime.spi.ServerConnection channel) {
    }

    @Override
    public void unregister(io.shockwave.runtime.spi.ServerConnection channel) {
    }
}
