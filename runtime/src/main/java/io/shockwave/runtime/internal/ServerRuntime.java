package io.shockwave.runtime.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.spi.BufferPool;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The state shared by everything a running server owns: its configuration, its
 * counters and the set of open connections, which stop() drains and a watchdog
 * scans for reads past their deadline, writes that a client stopped draining, and idle
 * connections parked long enough to give their thread back.
 */
public final class ServerRuntime implements ServerContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);
    /** Timeouts fire up to this late; a finer tick costs a scan of every connection. */
    private static final long WATCHDOG_PERIOD_MS = 200;

    private final Handler handler;
    private final ErrorHandler errorHandler;
    private final Limits limits;
    private final Timeouts timeouts;
    private final ServerStats stats = new ServerStats();
    private final List<ProtocolProvider> protocols;
    private final byte[] serverHeader;
    private final BufferPool bufferPool = new BufferPool(16 * 1024, 256);
    private final Set<ConnectionChannel> connections = ConcurrentHashMap.newKeySet();
    private final Object drained = new Object();
    private final Thread watchdog;
    private volatile boolean draining;
    private volatile boolean stopped;

    public ServerRuntime(Handler handler, ErrorHandler errorHandler, Limits limits, Timeouts timeouts,
                         List<ProtocolProvider> protocols, byte[] serverHeader) {
        this.handler = handler;
        this.errorHandler = errorHandler;
        this.limits = limits;
        this.timeouts = timeouts;
        this.protocols = List.copyOf(protocols);
        this.serverHeader = serverHeader;
        this.watchdog = Thread.ofPlatform().daemon().name("shockwave-watchdog").unstarted(this::watch);
        watchdog.start();
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
        return limits;
    }

    @Override
    public Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    @Override
    public List<ProtocolProvider> protocols() {
        return protocols;
    }

    @Override
    public byte[] serverHeader() {
        return serverHeader;
    }

    @Override
    public BufferPool bufferPool() {
        return bufferPool;
    }

    @Override
    public boolean isDraining() {
        return draining;
    }

    @Override
    public void register(ConnectionChannel channel) {
        connections.add(channel);
        if (draining) {
            channel.closeIfIdle();
        }
    }

    @Override
    public void unregister(ConnectionChannel channel) {
        if (connections.remove(channel) && connections.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    public int openConnections() {
        return connections.size();
    }

    /**
     * Closes idle connections now, lets busy ones finish their exchange until
     * {@code deadlineNanos}, then closes whatever is left. Returns how many were forced.
     */
    public int drain(long deadlineNanos) throws InterruptedException {
        draining = true;
        for (ConnectionChannel c : connections) {
            c.closeIfIdle();
        }
        synchronized (drained) {
            long left;
            while (!connections.isEmpty() && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        int forced = 0;
        for (ConnectionChannel c : connections) {
            c.close();
            forced++;
        }
        stopped = true;
        watchdog.interrupt();
        return forced;
    }

    private void watch() {
        while (!stopped) {
            try {
                Thread.sleep(WATCHDOG_PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ConnectionChannel c : connections) {
                if (c.writeStalled(now)) {
                    LOG.debug("Closing {}: a write made no progress for {}", c.remoteAddress(), timeouts.write());
                    c.close();
                }
                if (c.readStalled(now)) {
                    c.expireRead();
                }
                c.suspendIfIdle(now);
            }
        }
    }
}
