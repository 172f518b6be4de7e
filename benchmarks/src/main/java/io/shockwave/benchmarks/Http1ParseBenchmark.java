package io.shockwave.benchmarks;

import io.shockwave.http1.internal.BadRequest;
import io.shockwave.http1.internal.Http1Request;
import io.shockwave.http1.internal.RequestParser;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Method;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Parsing the head of a typical browser GET (request line and eight header fields,
 * 361 bytes, as Firefox sends them) with {@link RequestParser#parse} into a reused
 * {@link Http1Request}, which includes copying the head into the request's header
 * storage. Target (issue #2): at most 150 ns/op and 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1ParseBenchmark {
    private byte[] buf;
    private RequestParser parser;
    private Http1Request request;

    @Setup
    public void setup() throws BadRequest {
        buf = BenchRequests.browserGet("/plaintext");
        parser = new RequestParser(Limits.DEFAULT);
        request = new Http1Request(null);
        int end = parser.parse(buf, 0, buf.length, request);
        if (end != buf.length || request.method() != Method.GET || request.headers().size() != 8) {
            throw new IllegalStateException("the browser GET did not parse: end=" + end + ", headers="
                    + request.headers().size());
        }
    }

    @Benchmark
    public int parseBrowserGet() throws BadRequest {
        return parser.parse(buf, 0, buf.length, request);
    }
}
