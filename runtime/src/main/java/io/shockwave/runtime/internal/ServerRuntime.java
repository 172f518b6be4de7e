package io.shockwave.runtime.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Timeouts;
import io.shockwave.runtime.spi.BufferPool;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ServerConnection;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The state shared by everything a running server owns: its configuration, its
 * counters and the set of open connections ({@link ServerConnection}s, whatever carries
 * them), which stop() drains, the connection limit evicts from, and a watchdog ticks
 * ({@link ServerConnection#checkDeadlines}) for reads and writes past their deadline and
 * idle connections parked long enough to give their thread back.
 */
public final class ServerRuntime implements ServerContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);
    /** How long stop() waits, after closing the last connections by force, for their threads to let go. */
    private static final long FORCED_CLOSE_NANOS = 2_000_000_000L;
    /** Connections idle the longest, found in one scan of all and evicted one by one at the limit. */
    private static final int EVICTION_BATCH = 16;

    private final Handler handler;
    private final ErrorHandler errorHandler;
    private final Limits limits;
    private final Timeouts timeouts;
    private final ServerStats stats = new ServerStats();
    private final List<ProtocolProvider> protocols;
    private final byte[] serverHeader;
    private final BufferPool bufferPool = new BufferPool(16 * 1024, 256);
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final Object drained = new Object();
    private final ArrayDeque<ServerConnection> evictable = new ArrayDeque<>(); // guarded by itself
    private final Thread watchdog;
    private volatile boolean draining;
    /** Until when eviction need not look: none was idle when it last did. */
    private volatile long noIdleUntil = System.nanoTime();
    private volatile boolean stopped;

    private final io.shockwave.runtime.ExchangeObserver[] observers;
    private volatile boolean observerFailed;

    public ServerRuntime(Handler handler, ErrorHandler errorHandler, Limits limits, Timeouts timeouts,
                         List<ProtocolProvider> protocols, byte[] serverHeader) {
        this(handler, errorHandler, limits, timeouts, protocols, serverHeader, List.of());
    }

    public ServerRuntime(Handler handler, ErrorHandler errorHandler, Limits limits, Timeouts timeouts,
                         List<ProtocolProvider> protocols, byte[] serverHeader,
                         List<io.shockwave.runtime.ExchangeObserver> observers) {
        this.observers = observers.toArray(io.shockwave.runtime.ExchangeObserver[]::new);
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
    public boolean observesExchanges() {
        return observers.length > 0;
    }

    @Override
    public void exchangeEnded(io.shockwave.runtime.Request request, io.shockwave.runtime.Status status,
                              long bodyBytes, long startNanos, boolean aborted) {
        long duration = System.nanoTime() - startNanos;
        for (io.shockwave.runtime.ExchangeObserver o : observers) {
            try {
                o.exchangeEnded(request, status, bodyBytes, duration, aborted);
            } catch (RuntimeException e) {
                // Once with the stack trace; after that at debug: a client may make it fail again and again.
                if (!observerFailed) {
                    observerFailed = true;
                    LOG.warn("Exchange observer {} failed (later failures are logged at debug)", o, e);
                } else {
                    LOG.debug("Exchange observer {} failed: {}", o, e.toString());
                }
            }
        }
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
    public byte[] altSvc() {
        return altSvc;
    }

    /** What TLS responses advertise from now on: HTTP/3 on {@code port} over UDP. */
    public void advertiseHttp3(int port) {
        altSvc = ("h3=\":" + port + "\"; ma=86400").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private volatile byte[] altSvc;

    @Override
    public byte[] serverHeader() {
        return serverHeader;
    }

    @Override
    public BufferPool bufferPool() {
        return bufferPool;
    }

    @Override
    public void register(ServerConnection channel) {
        connections.add(channel);
        if (stopped) {
            channel.close(); // accepted after the drain: no watchdog would time it out
        } else if (draining) {
            channel.closeGracefully();
        }
    }

    @Override
    public void unregister(ServerConnection channel) {
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
     * At the connection limit: starts a graceful close of the connection idle the longest,
     * to make room for a new one, as nginx reuses its idle keep-alive connections when its
     * connections run out. Returns false when no connection is idle: every one is busy.
     */
    @Override
    public boolean evictIdleConnection() {
        if (System.nanoTime() - noIdleUntil < 0) {
            return false; // none was idle a moment ago: a flood of new connections scans no more than once a tick
        }
        synchronized (evictable) {
            for (int scans = 0; scans < 2; ) {
                ServerConnection c = evictable.poll();
                if (c == null) {
                    findLongestIdle();
                    scans++;
                } else if (c.closeGracefullyIfIdle()) {
                    LOG.debug("At the connection limit: closing {}, idle the longest", c.remoteAddress());
                    return true;
                }
            }
            noIdleUntil = System.nanoTime() + ConnectionChannel.TICK_NANOS;
            return false;
        }
    }

    /** Fills {@link #evictable} with the connections idle the longest, the longest first; one pass over all. */
    private void findLongestIdle() {
        ServerConnection[] found = new ServerConnection[EVICTION_BATCH];
        long[] since = new long[EVICTION_BATCH];
        int n = 0;
        for (ServerConnection c : connections) {
            long s = c.idleSince();
            if (s == 0 || (n == EVICTION_BATCH && s - since[n - 1] >= 0)) {
                continue;
            }
            int i = n < EVICTION_BATCH ? n++ : n - 1;
            while (i > 0 && s - since[i - 1] < 0) {
                found[i] = found[i - 1];
                since[i] = since[i - 1];
                i--;
            }
            found[i] = c;
            since[i] = s;
        }
        for (int i = 0; i < n; i++) {
            evictable.add(found[i]);
        }
    }

    /**
     * Asks every connection to close gracefully (idle ones close at once, busy ones after
     * answering what they have read), waits for them until {@code deadlineNanos}, then
     * closes whatever is left and waits a little for those to let go. Returns how many were
     * closed by force.
     */
    public int drain(long deadlineNanos) throws InterruptedException {
        draining = true;
        for (ServerConnection c : connections) {
            c.closeGracefully();
        }
        awaitDrained(deadlineNanos);
        stopped = true; // from here on, a connection that registers is closed at once
        int forced = 0;
        for (ServerConnection c : connections) {
            c.close();
            forced++;
        }
        if (!awaitDrained(System.nanoTime() + FORCED_CLOSE_NANOS)) {
            LOG.warn("{} connection(s) still held by a thread after the forced close (a handler that ignores it?)",
                    connections.size());
        }
        watchdog.interrupt();
        return forced;
    }

    private boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        synchronized (drained) {
            long left;
            while (!connections.isEmpty() && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
            return connections.isEmpty();
        }
    }

    private void watch() {
        long periodMillis = ConnectionChannel.TICK_NANOS / 1_000_000;
        while (!stopped) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ServerConnection c : connections) {
                try {
                    c.checkDeadlines(now);
                } catch (RuntimeException e) {
                    LOG.warn("Checking the deadlines of {} failed", c.remoteAddress(), e);
                }
            }
        }
    }
}
