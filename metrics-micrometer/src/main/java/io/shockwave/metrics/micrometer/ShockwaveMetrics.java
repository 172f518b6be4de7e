package io.shockwave.metrics.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shockwave.runtime.ExchangeObserver;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Status;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's meters in a Micrometer registry:
 *
 * <pre>{@code
 * ShockwaveMetrics metrics = new ShockwaveMetrics(registry);
 * Server server = Server.builder().observer(metrics)...start();
 * metrics.monitor(server);
 * }</pre>
 *
 * <ul>
 *   <li>per exchange, tagged {@code protocol} ({@code HTTP/1.1}, {@code HTTP/2}...):
 *       {@code shockwave.responses} (also tagged {@code status}: 1xx to 5xx),
 *       {@code shockwave.responses.aborted}, and the timer {@code shockwave.request.duration}
 *       with a percentile histogram;</li>
 *   <li>from the server's counters once {@link #monitor monitored}:
 *       {@code shockwave.connections.open}, {@code shockwave.connections.idle} (waiting without
 *       a thread), {@code shockwave.connections.accepted}, {@code .rejected},
 *       {@code shockwave.bytes.in}, {@code .out}, {@code shockwave.errors}, and per protocol
 *       (HTTP/2, HTTP/3) {@code shockwave.streams.open}, {@code shockwave.resets.sent},
 *       {@code .received}, {@code shockwave.goaways.sent}, {@code .received}.</li>
 * </ul>
 *
 * <p>The meters of an exchange are found by index, not by tags: an exchange costs a counter
 * increment and a timer record, no lookup and no allocation of ours.
 */
public final class ShockwaveMetrics implements ExchangeObserver {
    private static final String[] PROTOCOLS = {"HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"};

    private final MeterRegistry registry;
    /** [protocol][status class - 1]. */
    private final Counter[][] responses = new Counter[PROTOCOLS.length][5];
    private final Counter[] aborted = new Counter[PROTOCOLS.length];
    private final Timer[] durations = new Timer[PROTOCOLS.length];

    public ShockwaveMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry);
        for (int p = 0; p < PROTOCOLS.length; p++) {
            for (int c = 0; c < 5; c++) {
                responses[p][c] = Counter.builder("shockwave.responses").description("Responses sent")
                        .tag("protocol", PROTOCOLS[p]).tag("status", (c + 1) + "xx").register(registry);
            }
            aborted[p] = Counter.builder("shockwave.responses.aborted")
                    .description("Responses cut off after they started, because the handler or the request body failed")
                    .tag("protocol", PROTOCOLS[p]).register(registry);
            durations[p] = Timer.builder("shockwave.request.duration")
                    .description("From the end of the request head to the end of the response")
                    .tag("protocol", PROTOCOLS[p]).publishPercentileHistogram().register(registry);
        }
    }

    private static int protocol(String name) {
        return switch (name) {
            case "HTTP/1.1" -> 1;
            case "HTTP/2" -> 2;
            case "HTTP/3" -> 3;
            default -> 0;
        };
    }

    @Override
    public void exchangeEnded(Request request, Status status, long bodyBytes, long durationNanos, boolean abort) {
        int p = protocol(request.protocol());
        int c = status.code() / 100;
        if (c >= 1 && c <= 5) {
            responses[p][c - 1].increment();
        }
        if (abort) {
            aborted[p].increment();
        }
        durations[p].record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** Registers the meters read from {@code server}'s counters; once per server. */
    public ShockwaveMetrics monitor(Server server) {
        ServerStats stats = server.stats();
        Gauge.builder("shockwave.connections.open", stats, ServerStats::connectionsOpen)
                .description("Connections open, TCP and QUIC").register(registry);
        Gauge.builder("shockwave.connections.idle", stats, ServerStats::connectionsSuspended)
                .description("Idle connections waiting without a thread").register(registry);
        counter("shockwave.connections.accepted", stats, ServerStats::connectionsAccepted, "Connections accepted");
        counter("shockwave.connections.rejected", stats, ServerStats::connectionsRejected,
                "Connections refused at the connection limit");
        counter("shockwave.bytes.in", stats, ServerStats::bytesIn, "Bytes read from clients");
        counter("shockwave.bytes.out", stats, ServerStats::bytesOut, "Bytes written to clients");
        counter("shockwave.errors", stats, ServerStats::errors, "Handler failures and protocol errors");
        for (int version = 2; version <= 3; version++) {
            int v = version;
            String tag = "HTTP/" + v;
            Gauge.builder("shockwave.streams.open", stats, s -> s.streamsOpen(v)).tag("protocol", tag)
                    .description("Request streams whose exchange is in progress").register(registry);
            FunctionCounter.builder("shockwave.resets.sent", stats, s -> s.resetsSent(v)).tag("protocol", tag)
                    .description("Streams the server reset").register(registry);
            FunctionCounter.builder("shockwave.resets.received", stats, s -> s.resetsReceived(v)).tag("protocol", tag)
                    .description("Streams the client reset").register(registry);
            FunctionCounter.builder("shockwave.goaways.sent", stats, s -> s.goAwaysSent(v)).tag("protocol", tag)
                    .description("GOAWAY frames sent").register(registry);
            FunctionCounter.builder("shockwave.goaways.received", stats, s -> s.goAwaysReceived(v)).tag("protocol", tag)
                    .description("GOAWAY frames received").register(registry);
        }
        return this;
    }

    private void counter(String name, ServerStats stats, ToDoubleFunction<ServerStats> f, String description) {
        FunctionCounter.builder(name, stats, f).description(description).register(registry);
    }
}
