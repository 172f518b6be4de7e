package io.shockwave.benchmarks;

import io.shockwave.runtime.spi.ServerContext;

import io.shockwave.http1.internal.Http1Connection;
import io.shockwave.http1.internal.Http1Response;
import io.shockwave.runtime.HeaderName;
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

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Writing a 200 response through the connection's reused {@link Http1Response}: reset
 * for a new exchange, three header fields (Content-Type, Cache-Control and a custom
 * X-Request-Id) set through the handler API, and a 13-byte body sent with
 * {@code send(byte[])}, which writes the status line, Date, Server, the fields,
 * Content-Length and the body into the connection's write buffer (198 bytes).
 * {@code write200} then drops the buffer; {@code write200AndFlush} also hands it to the
 * channel, as the connection does before it waits for the next request. Target
 * (issue #2): 0 B/op; no time target was set.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1ResponseBenchmark {
    private static final HeaderName X_REQUEST_ID = HeaderName.of("X-Request-Id");
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private InMemoryChannel channel;
    private Http1Response response;
    private Object out;

    @Setup
    public void setup() throws Throwable {
        ServerContext context = InMemoryChannel.context((req, res) -> res.send());
        channel = new InMemoryChannel(context, BenchRequests.browserGet("/"));
        Http1Connection connection = new Http1Connection(channel, context);
        response = (Http1Response) Internals.RESPONSE.invokeExact(connection);
        out = (Object) Internals.OUTPUT.invokeExact(connection);

        channel.capture = new ByteArrayOutputStream();
        write(response);
        Internals.FLUSH.invokeExact(out);
        String written = channel.capture.toString(StandardCharsets.US_ASCII);
        channel.capture = null;
        if (!written.startsWith("HTTP/1.1 200 OK\r\nDate: ") || !written.contains("\r\nServer: shockwave\r\n")
                || !written.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n")
                || !written.contains("\r\nCache-Control: no-store\r\n")
                || !written.contains("\r\nX-Request-Id: 7f3a9c1e\r\n")
                || !written.endsWith("\r\nContent-Length: 13\r\n\r\nHello, World!")) {
            throw new IllegalStateException("unexpected response:\n" + written);
        }
    }

    private static void write(Http1Response response) throws Throwable {
        Internals.RESET.invokeExact(response, false, false, true);
        response.contentType("text/plain; charset=utf-8")
                .header(HeaderName.CACHE_CONTROL, "no-store")
                .header(X_REQUEST_ID, "7f3a9c1e")
                .send(BODY);
    }

    @Benchmark
    public int write200() throws Throwable {
        write(response);
        int n = (int) Internals.BUFFERED.invokeExact(out);
        Internals.DISCARD.invokeExact(out, 0);
        return n;
    }

    @Benchmark
    public long write200AndFlush() throws Throwable {
        write(response);
        Internals.FLUSH.invokeExact(out);
        return channel.bytesWritten;
    }
}
