package io.shockwave.benchmarks;

import io.shockwave.runtime.spi.ServerContext;

import io.shockwave.http1.internal.Http1Connection;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Routes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The whole in-memory exchange on a kept-alive HTTP/1.1 connection in steady state:
 * {@link Http1Connection#serveNext()} reads the browser GET of {@link Http1ParseBenchmark}
 * from an in-memory channel, parses it, routes it through a {@link Routes} router of seven
 * routes, runs the handler, serializes the response into the write buffer and flushes the
 * previous response to the channel, which counts and drops it. Target (issue #2): 0 B/op.
 *
 * <ul>
 *   <li>{@code plaintext}: {@code GET /plaintext}, a literal route whose handler sends
 *       13 bytes as {@code text/plain}.</li>
 *   <li>{@code plaintextFiltered}: {@code plaintext} with one filter in front of the routes
 *       that sets a request attribute and calls the next: the cost of a filter (issue 10).</li>
 *   <li>{@code pathParam}: {@code GET /users/42}, the {@code /users/{id}} route; the
 *       handler does not read the parameter, so this is the server's cost of a capture.</li>
 *   <li>{@code pathParamDecoded}: {@code GET /users/42/greeting}, whose handler is the
 *       design sketch's {@code res.send("user " + req.pathParam("id"))}: the handler's
 *       own {@code String}s are allocated by design.</li>
 *   <li>{@code pipelined16}: sixteen {@code GET /plaintext} sent back to back, per request
 *       ({@code @OperationsPerInvocation(16)}); a read takes as many as fit in the read
 *       buffer, and the responses to the requests of one read leave in one write.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1ExchangeBenchmark {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INDEX = "<!doctype html><title>shockwave</title>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON = "{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USER = "{\"id\":42,\"name\":\"Ada\"}".getBytes(StandardCharsets.US_ASCII);
    private static final int PIPELINE = 16;
    private static final boolean REPORT = Boolean.getBoolean("shockwave.bench.report");

    static Handler routes() {
        return routes(new Routes());
    }

    /**
     * The same routes with one trivial filter in front of them all, as an application puts
     * one there: it attaches a value for the handler and passes the request on.
     */
    static Handler filteredRoutes() {
        return routes(new Routes().filter((req, res, next) -> {
            req.attribute("user", "ada");
            next.handle(req, res);
        }));
    }

    private static Handler routes(Routes routes) {
        return routes
                .get("/", (req, res) -> res.contentType("text/html").send(INDEX))
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO))
                .get("/json", (req, res) -> res.contentType("application/json").send(JSON))
                .get("/users/{id}", (req, res) -> res.contentType("application/json").send(USER))
                .get("/users/{id}/greeting", (req, res) -> res.send("user " + req.pathParam("id")))
                .post("/echo", (req, res) -> req.body().transferTo(res.output()))
                .get("/static/*", (req, res) -> res.header(HeaderName.CACHE_CONTROL, "max-age=3600").send(INDEX))
                .build();
    }

    /**
     * A connection whose client sends the same request, or {@link #pipelined()} of them
     * back to back, again and again.
     */
    public abstract static class Connection {
        InMemoryChannel channel;
        Http1Connection connection;
        private long served;

        abstract String target();

        abstract String expectedBody();

        int pipelined() {
            return 1;
        }

        Handler handler() {
            return routes();
        }

        @Setup
        public void setup() throws IOException {
            ServerContext context = InMemoryChannel.context(handler());
            byte[] request = BenchRequests.browserGet(target());
            channel = new InMemoryChannel(context, BenchRequests.repeat(request, pipelined()));
            connection = new Http1Connection(channel, context);

            // The responses are flushed when the connection next waits for input, so one
            // more exchange pushes out the ones being checked.
            channel.capture = new ByteArrayOutputStream();
            for (int i = 0; i <= pipelined(); i++) {
                if (!connection.serveNext()) {
                    throw new IllegalStateException("the connection did not stay open");
                }
            }
            String written = channel.capture.toString(StandardCharsets.US_ASCII);
            channel.capture = null;
            String[] responses = written.split("(?=HTTP/1\\.1 )");
            if (responses.length != pipelined()) {
                throw new IllegalStateException(responses.length + " responses, expected " + pipelined() + ":\n"
                        + written);
            }
            for (String response : responses) {
                if (!response.startsWith("HTTP/1.1 200 OK\r\n") || !response.endsWith("\r\n\r\n" + expectedBody())
                        || response.contains("Connection: close")) {
                    throw new IllegalStateException("unexpected response to " + target() + ":\n" + response);
                }
            }
            served = 0;
            channel.reads = 0;
            channel.writes = 0;
        }

        final boolean serve() throws IOException {
            served++;
            return connection.serveNext();
        }

        /**
         * With {@code -Dshockwave.bench.report=true} (pass it with {@code -jvmArgsAppend}), prints
         * how many reads and writes the connection made per request. Off by default: the
         * printing allocates, and JMH counts a trial's tear-down in its last iteration.
         */
        @TearDown
        public void report() {
            if (REPORT && served > 0) {
                System.out.printf("%n[%s] %d requests: %.4f reads/request, %.4f writes/request%n", target(), served,
                        (double) channel.reads / served, (double) channel.writes / served);
            }
        }
    }

    @State(Scope.Thread)
    public static class Plaintext extends Connection {
        @Override
        String target() {
            return "/plaintext";
        }

        @Override
        String expectedBody() {
            return "Hello, World!";
        }
    }

    @State(Scope.Thread)
    public static class Filtered extends Plaintext {
        @Override
        Handler handler() {
            return filteredRoutes();
        }
    }

    @State(Scope.Thread)
    public static class PathParam extends Connection {
        @Override
        String target() {
            return "/users/42";
        }

        @Override
        String expectedBody() {
            return new String(USER, StandardCharsets.US_ASCII);
        }
    }

    @State(Scope.Thread)
    public static class PathParamDecoded extends Connection {
        @Override
        String target() {
            return "/users/42/greeting";
        }

        @Override
        String expectedBody() {
            return "user 42";
        }
    }

    @State(Scope.Thread)
    public static class Pipelined extends Connection {
        @Override
        String target() {
            return "/plaintext";
        }

        @Override
        String expectedBody() {
            return "Hello, World!";
        }

        @Override
        int pipelined() {
            return PIPELINE;
        }
    }

    @Benchmark
    public boolean plaintext(Plaintext c) throws IOException {
        return c.serve();
    }

    @Benchmark
    public boolean plaintextFiltered(Filtered c) throws IOException {
        return c.serve();
    }

    @Benchmark
    public boolean pathParam(PathParam c) throws IOException {
        return c.serve();
    }

    @Benchmark
    public boolean pathParamDecoded(PathParamDecoded c) throws IOException {
        return c.serve();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public boolean pipelined16(Pipelined c) throws IOException {
        boolean open = true;
        for (int i = 0; i < PIPELINE; i++) {
            open &= c.serve();
        }
        return open;
    }
}
