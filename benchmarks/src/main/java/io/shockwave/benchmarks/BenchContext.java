package io.shockwave.benchmarks;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.internal.DefaultErrorHandler;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server a benchmarked connection belongs to, without the watchdog thread of the
 * real {@code ServerRuntime}: default limits and timeouts, live stats, never draining.
 */
final class BenchContext implements ServerContext {
    private final Handler handler;
    private final ErrorHandler errorHandler = new DefaultErrorHandler();
    private final ServerStats stats = new ServerStats();
    private final byte[] serverHeader = "shockwave".getBytes(StandardCharsets.US_ASCII);

    BenchContext(Handler handler) {
        this.handler = handler;
    }

    @Override
    public Handler handler() {
        return handler;
    }

    @Override
    public ErrorHandler errorHandler() {
        return errorHandler;
    }

    @Override
    public Limits limits() {
        return Limits.DEFAULT;
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
    public boolean isDraining() {
        return false;
    }

    @Override
    public void register(ConnectionChannel channel) {
    }

    @Override
    public void unregister(ConnectionChannel channel) {
    }
}
