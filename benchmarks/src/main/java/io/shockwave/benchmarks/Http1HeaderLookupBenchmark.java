package io.shockwave.benchmarks;

import io.shockwave.http1.internal.BadRequest;
import io.shockwave.http1.internal.Http1Request;
import io.shockwave.http1.internal.RequestParser;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Limits;
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
 * Looking a header field up by name in the parsed browser GET of {@link Http1ParseBenchmark}
 * (Host, User-Agent, Accept, Accept-Language, Accept-Encoding, Connection,
 * Upgrade-Insecure-Requests, Cache-Control). {@code indexOfMiddle} is the figure issue #2
 * asks for: {@code Headers.indexOf(HeaderName)} for Accept-Encoding, fifth of eight and
 * the same length as Accept-Language before it. Target: at most 10 ns/op, 0 B/op. The
 * other methods bound it: the first field, the last, a missing one, lookup by a
 * {@code String} name, and {@code get}, which decodes the value to a {@code String}
 * (so allocates by design).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1HeaderLookupBenchmark {
    private Headers headers;

    @Setup
    public void setup() throws BadRequest {
        byte[] buf = BenchRequests.browserGet("/plaintext");
        Http1Request request = new Http1Request(null);
        new RequestParser(Limits.DEFAULT).parse(buf, 0, buf.length, request);
        headers = request.headers();
        if (headers.indexOf(HeaderName.HOST) != 0 || headers.indexOf(HeaderName.ACCEPT_ENCODING) != 4
                || headers.indexOf(HeaderName.CACHE_CONTROL) != 7 || headers.indexOf(HeaderName.COOKIE) != -1
                || !"gzip, deflate, br, zstd".equals(headers.get(HeaderName.ACCEPT_ENCODING))) {
            throw new IllegalStateException("unexpected header layout:\n" + headers);
        }
    }

    @Benchmark
    public int indexOfFirst() {
        return headers.indexOf(HeaderName.HOST);
    }

    @Benchmark
    public int indexOfMiddle() {
        return headers.indexOf(HeaderName.ACCEPT_ENCODING);
    }

    @Benchmark
    public int indexOfLast() {
        return headers.indexOf(HeaderName.CACHE_CONTROL);
    }

    @Benchmark
    public int indexOfMissing() {
        return headers.indexOf(HeaderName.COOKIE);
    }

    @Benchmark
    public int indexOfMiddleByString() {
        return headers.indexOf("accept-encoding");
    }

    @Benchmark
    public String getMiddleDecoded() {
        return headers.get(HeaderName.ACCEPT_ENCODING);
    }
}
