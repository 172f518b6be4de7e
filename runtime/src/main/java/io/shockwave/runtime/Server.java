package io.shockwave.runtime;

import io.shockwave.runtime.internal.DefaultErrorHandler;
import io.shockwave.runtime.internal.ErrorDispatch;
import io.shockwave.runtime.internal.FilterChain;
import io.shockwave.runtime.internal.Router;
import io.shockwave.runtime.internal.ServerRuntime;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * A running server. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * Server server = Server.builder()
 *         .http(8080)
 *         .routes(r -> r.get("/plaintext", (req, res) -> res.send("Hello, World!")))
 *         .start();
 * server.stop(Duration.ofSeconds(10));
 * }</pre>
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerRuntime runtime;
    private final List<Binding> bindings;
    private final List<Listener> listeners;
    /** QUIC (HTTP/3) beside the TLS listeners, on the same ports over UDP; empty without transport-quic. */
    private final List<Binding> quic;
    private final Object stopLock = new Object();
    private boolean stopped;
    private final Health health;
    private final Duration stopDelay;
    private final List<ExchangeObserver> observers;

    private Server(ServerRuntime runtime, List<Binding> bindings, List<Listener> listeners, List<Binding> quic,
                   Health health, Duration stopDelay, List<ExchangeObserver> observers) {
        this.observers = observers;
        this.runtime = runtime;
        this.bindings = bindings;
        this.listeners = listeners;
        this.quic = quic;
        this.health = health;
        this.stopDelay = stopDelay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port of the first listener, the real one when it was configured as 0. */
    public int port() {
        return bindings.getFirst().port();
    }

    /** The port of the first TLS listener; fails if there is none. */
    public int tlsPort() {
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i).isTls()) {
                return bindings.get(i).port();
            }
        }
        throw new IllegalStateException("no TLS listener");
    }

    /** The UDP port of HTTP/3 beside the first TLS listener, or -1 when there is none. */
    public int http3Port() {
        return quic.isEmpty() ? -1 : quic.getFirst().port();
    }

    /** The certificate of the first TLS listener (the generated one if none was given), or null. */
    public TlsConfig tls() {
        return listeners.stream().filter(Listener::isTls).map(Listener::tls).findFirst().orElse(null);
    }

    /** The bound address of every listener, in the order they were configured. */
    public List<InetSocketAddress> addresses() {
        return bindings.stream().map(Binding::address).toList();
    }

    public ServerStats stats() {
        return runtime.stats();
    }

    /**
     * Stops: the {@link Health} readiness answers 503 at once; the server goes on serving for
     * the {@link Builder#stopDelay stop delay} (none by default, cut short if the calling thread
     * is interrupted), so that load balancers notice; then it stops accepting, closes idle
     * keep-alive connections, lets requests in flight finish until {@code grace} has passed,
     * closes whatever is left, and returns.
     */
    public void stop(Duration grace) {
        synchronized (stopLock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        if (health != null) {
            health.stopping();
        }
        if (stopDelay.isPositive()) {
            LOG.info("Stopping in {}: readiness answers 503 meanwhile", stopDelay);
            try {
                Thread.sleep(stopDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop now; the caller's interrupt stays visible
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Binding b : bindings) {
            b.close();
        }
        quic.forEach(Binding::close);
        try {
            int forced = runtime.drain(deadline);
            if (forced > 0) {
                LOG.info("Stopped; closed {} connection(s) still busy after {}", forced, grace);
            } else {
                LOG.debug("Stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            quic.forEach(Binding::drained);
            closeObservers();
        }
    }

    /** Observers that hold something (an access log's queue and thread) end with the server, after its last exchange. */
    private void closeObservers() {
        for (ExchangeObserver o : observers) {
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("Closing {} failed", o, e);
                }
            }
        }
    }

    /** {@link #stop(Duration)} with a grace of five seconds. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    /** Configures and starts a {@link Server}. */
    public static final class Builder {
        private final List<Listener> listeners = new ArrayList<>();
        /** Per listener: whether it is an {@link #https} one, whose certificate is decided at start. */
        private final List<Boolean> https = new ArrayList<>();
        private TlsConfig tls;
        private Handler handler;
        private ErrorHandler errorHandler = new DefaultErrorHandler();
        private final List<Filter> filters = new ArrayList<>();
        private final Map<Class<? extends Throwable>, ExceptionHandler<?>> exceptions = new LinkedHashMap<>();
        private Limits limits = Limits.DEFAULT;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private String serverHeader = "shockwave";
        private boolean http3 = true;
        private Health health;
        private final List<ExchangeObserver> observers = new ArrayList<>();
        private Duration stopDelay = Duration.ZERO;

        private Builder() {
        }

        /** Cleartext HTTP on every local address (IPv4 and IPv6) on {@code port}; 0 picks one. */
        public Builder http(int port) {
            return listener(Listener.of(null, port));
        }

        /** Cleartext HTTP on {@code host}, e.g. {@code 127.0.0.1} or {@code ::1}. */
        public Builder http(String host, int port) {
            return listener(Listener.of(host, port));
        }

        /**
         * TLS on every local address on {@code port}: h2 and http/1.1, chosen by ALPN, with the
         * certificate given to {@link #tls}, or else a self-signed one made at start, whose
         * pin is logged.
         */
        public Builder https(int port) {
            return https(null, port);
        }

        public Builder https(String host, int port) {
            listeners.add(Listener.of(host, port));
            https.add(true);
            return this;
        }

        /**
         * Whether the TLS listeners also serve HTTP/3 over QUIC on the same port numbers (UDP);
         * on by default, and only possible with {@code shockwave-transport-quic} and
         * {@code shockwave-http3} on the path.
         */
        public Builder http3(boolean enabled) {
            this.http3 = enabled;
            return this;
        }

        /** The certificate of the {@link #https} listeners. */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls);
            return this;
        }

        public Builder listener(Listener listener) {
            listeners.add(Objects.requireNonNull(listener));
            https.add(false);
            return this;
        }

        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler);
            return this;
        }

        public Builder routes(Consumer<Routes> routes) {
            Routes r = new Routes();
            routes.accept(r);
            return handler(r.build());
        }

        public Builder errorHandler(ErrorHandler errorHandler) {
            this.errorHandler = Objects.requireNonNull(errorHandler);
            return this;
        }

        /**
         * Puts {@code filter} in front of the handler for every request, including those no
         * route matches; filters run in the order added, the first the outermost.
         */
        public Builder filter(Filter filter) {
            filters.add(Objects.requireNonNull(filter));
            return this;
        }

        /**
         * Answers failures of {@code type} (and its subclasses, unless one has its own) with
         * {@code handler}, instead of the {@link #errorHandler}: a handler's exceptions, and
         * the router's {@link NotFound} and {@link MethodNotAllowed}.
         */
        public <T extends Throwable> Builder exception(Class<T> type, ExceptionHandler<? super T> handler) {
            exceptions.put(Objects.requireNonNull(type), Objects.requireNonNull(handler));
            return this;
        }

        /** Tells {@code observer} of every exchange (an {@link AccessLog}, metrics); see {@link ExchangeObserver}. */
        public Builder observer(ExchangeObserver observer) {
            observers.add(Objects.requireNonNull(observer));
            return this;
        }

        /** The health endpoints that follow this server: ready once it serves, not ready once it stops. */
        public Builder health(Health health) {
            this.health = Objects.requireNonNull(health);
            return this;
        }

        /**
         * How long {@link Server#stop} keeps serving after readiness has turned to 503, before it
         * closes the listeners: about a load balancer's health-check interval times its threshold.
         */
        public Builder stopDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a negative stop delay");
            }
            this.stopDelay = delay;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts);
            return this;
        }

        /** The {@code Server} header's value; {@code null} sends none. */
        public Builder serverHeader(String value) {
            if (value != null && !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                throw new IllegalArgumentException("Server header must be printable ASCII");
            }
            this.serverHeader = value;
            return this;
        }

        /** Binds every listener and starts serving; fails if one cannot be bound. */
        public Server start() {
            if (handler == null) {
                throw new IllegalStateException("no handler or routes configured");
            }
            ErrorHandler errors = new ErrorDispatch(exceptions, errorHandler);
            // The router answers 404 and 405 through the error handler, as every other error.
            Handler served = FilterChain.of(filters,
                    handler instanceof Router router ? router.withErrorHandler(errors) : handler);
            if (listeners.isEmpty()) {
                throw new IllegalStateException("no listener configured: call http(port)");
            }
            List<ProtocolProvider> protocols = new ArrayList<>();
            ServiceLoader.load(ProtocolProvider.class, Server.class.getClassLoader()).forEach(protocols::add);
            protocols.sort(Comparator.comparingInt(ProtocolProvider::priority).reversed());
            if (protocols.isEmpty()) {
                throw new IllegalStateException("no protocol found: put shockwave-http1 on the module or class path");
            }
            TransportProvider tcp = null;
            TransportProvider udp = null;
            for (TransportProvider t : ServiceLoader.load(TransportProvider.class, Server.class.getClassLoader())) {
                if (t.name().equals("tcp")) {
                    tcp = t;
                } else if (t.name().equals("quic") && http3 && t.available()) {
                    udp = t;
                }
            }
            if (tcp == null) {
                throw new IllegalStateException("no TCP transport found: put shockwave-transport-tcp on the path");
            }
            List<Listener> resolved = new ArrayList<>();
            for (int i = 0; i < listeners.size(); i++) {
                Listener l = listeners.get(i);
                if (https.get(i)) {
                    if (tls == null) {
                        tls = TlsConfig.selfSigned();
                        LOG.info("TLS with a self-signed certificate for localhost; its SPKI pin (SHA-256, base64) is {} "
                                + "(chromium --ignore-certificate-errors-spki-list={})", tls.spkiSha256(), tls.spkiSha256());
                    }
                    l = new Listener(l.host(), l.port(), l.acceptors(), l.reusePort(), tls, l.proxyProtocol());
                }
                resolved.add(l);
            }
            byte[] server = serverHeader == null ? null : serverHeader.getBytes(StandardCharsets.US_ASCII);
            ServerRuntime runtime = new ServerRuntime(served, errors, limits, timeouts, protocols, server, observers);
            List<Binding> bound = new ArrayList<>();
            List<Binding> quic = new ArrayList<>();
            try {
                for (Listener l : resolved) {
                    Binding b = tcp.bind(l, runtime);
                    bound.add(b);
                    // Not beside a PROXY-protocol listener: its clients come through a balancer,
                    // and Alt-Svc would send them around it, over UDP, straight to this server.
                    if (l.isTls() && udp != null && !l.proxyProtocol()) {
                        // The same port number as TCP's (the one bound, if 0 was asked for), so that
                        // Alt-Svc can name it and a client finds both behind one origin. HTTP/3 is an
                        // addition: if that UDP port is taken, TCP serves on without it.
                        try {
                            quic.add(udp.bind(new Listener(l.host(), b.port(), 1, false, l.tls()), runtime));
                        } catch (IOException e) {
                            LOG.warn("No HTTP/3 beside {}: {}", b.address(), e.getMessage());
                        }
                    }
                }
            } catch (IOException e) {
                bound.forEach(Binding::close);
                quic.forEach(Binding::close);
                quic.forEach(Binding::drained);
                try {
                    runtime.drain(System.nanoTime());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw new UncheckedIOException("cannot bind " + listeners, e);
            }
            if (!quic.isEmpty()) {
                runtime.advertiseHttp3(quic.getFirst().port());
            }
            Server s = new Server(runtime, List.copyOf(bound), List.copyOf(resolved), List.copyOf(quic), health, stopDelay,
                    List.copyOf(observers));
            if (health != null) {
                health.serving();
            }
            LOG.info("Serving {} on {}", protocols.stream().map(ProtocolProvider::id).toList(), s.addresses());
            if (!quic.isEmpty()) {
                LOG.info("Serving [h3] on UDP {}", quic.stream().map(Binding::address).toList());
            }
            return s;
        }
    }
}
