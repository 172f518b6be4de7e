package io.shockwave.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness endpoints, mounted where the application likes:
 *
 * <pre>{@code
 * Health health = new Health().check("database", db::isReachable);
 * Server.builder().health(health).stopDelay(Duration.ofSeconds(5))
 *         .routes(r -> r.get("/health/live", health.live()).get("/health/ready", health.ready()))
 * }</pre>
 *
 * <p>Live answers 200 while the server can answer at all. Ready answers 200 once the server
 * it was given to has started and every check holds, and 503 from the moment
 * {@link Server#stop} begins, so that a load balancer polling it sends no new work while the
 * server drains ({@code Server.Builder.stopDelay} keeps the listeners open that long). Both
 * answer {@code application/json} with {@code Cache-Control: no-store}. A check that throws
 * counts as failing; its message is not sent (it may say more than a prober should know).
 */
public final class Health {
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Replaced whole when a check is added, so that a probe reads it without a lock or a copy; in order. */
    private volatile Map<String, BooleanSupplier> checks = Map.of();
    private volatile State state = State.STARTING;

    private enum State { STARTING, SERVING, STOPPING }

    /** Adds a readiness check; {@code name} appears in the answer when it fails. */
    public synchronized Health check(String name, BooleanSupplier ready) {
        Map<String, BooleanSupplier> more = new LinkedHashMap<>(checks);
        more.put(Objects.requireNonNull(name), Objects.requireNonNull(ready));
        checks = java.util.Collections.unmodifiableMap(more);
        return this;
    }

    /** Whether the server serves and every check holds. */
    public boolean isReady() {
        return state == State.SERVING && failing().isEmpty();
    }

    /**
     * Whether {@link Server#stop} has begun: a long-running handler (a stream of events, a
     * long poll) ends on it, so that its client reconnects to another instance. Not the same
     * as not ready: a server is not ready either while it starts.
     */
    public boolean isStopping() {
        return state == State.STOPPING;
    }

    /** 200 while the process can answer. */
    public Handler live() {
        return (req, res) -> res.header(HeaderName.CACHE_CONTROL, "no-store").contentType("application/json").send(UP);
    }

    /** 200 when ready; else 503 naming why: {@code {"status":"DOWN","reason":"stopping"}}. */
    public Handler ready() {
        return (req, res) -> {
            res.header(HeaderName.CACHE_CONTROL, "no-store").contentType("application/json");
            State s = state;
            if (s != State.SERVING) {
                res.status(Status.SERVICE_UNAVAILABLE)
                        .send("{\"status\":\"DOWN\",\"reason\":\"" + (s == State.STARTING ? "starting" : "stopping") + "\"}");
                return;
            }
            String failing = failing();
            if (!failing.isEmpty()) {
                res.status(Status.SERVICE_UNAVAILABLE).send("{\"status\":\"DOWN\",\"failing\":[" + failing + "]}");
                return;
            }
            res.send(UP);
        };
    }

    /** The names of the failing checks as JSON strings, comma-separated; "" when all hold. */
    private String failing() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, BooleanSupplier> c : checks.entrySet()) {
            boolean ok;
            try {
                ok = c.getValue().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                out.append(out.isEmpty() ? "\"" : ",\"");
                io.shockwave.runtime.internal.Escapes.append(out, c.getKey(), true);
                out.append('"');
            }
        }
        return out.toString();
    }

    void serving() {
        state = State.SERVING;
    }

    void stopping() {
        state = State.STOPPING;
    }
}
