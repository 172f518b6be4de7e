package io.shockwave.benchmarks;

import io.shockwave.runtime.Server;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Heap bytes allocated per request on the real transport, whole server included (the
 * connections' virtual threads, the poller, the acceptor, the watchdog): the JVM's count
 * of bytes allocated by every thread, over a fixed window of a {@code wrk} keep-alive run,
 * divided by the requests served in it. The JMH exchange benchmark runs on an in-memory
 * channel and misses all of that.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/peer-classpath.txt) \
 *     io.shockwave.benchmarks.AllocationPerRequest [connections] [seconds] [runs] [h1|h2c]
 * </pre>
 * Runs wrk (which must be on the PATH) against {@code /plaintext} several times and prints
 * bytes per request for each run after a warm-up run; with {@code h2c}, h2load instead
 * ({@code -c connections -m32}, prior knowledge).
 */
public final class AllocationPerRequest {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private AllocationPerRequest() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean h2 = args.length > 3 && args[3].equals("h2c");
        Server server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r.get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO)))
                .start();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try {
            load(h2, server.port(), connections, 3); // warm-up: compiled code, pooled buffers
            for (int run = 1; run <= runs; run++) {
                long bytes = threads.getTotalThreadAllocatedBytes();
                long requests = server.stats().requests();
                load(h2, server.port(), connections, seconds);
                bytes = threads.getTotalThreadAllocatedBytes() - bytes;
                requests = server.stats().requests() - requests;
                System.out.printf("run %d: %d requests, %.1f bytes allocated per request%n",
                        run, requests, (double) bytes / requests);
            }
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static void load(boolean h2, int port, int connections, int seconds) throws Exception {
        if (!h2) {
            wrk(port, connections, seconds);
            return;
        }
        Process p = new ProcessBuilder(List.of("h2load", "-t1", "-c" + connections, "-m32", "-D", Integer.toString(seconds),
                "http://127.0.0.1:" + port + "/plaintext"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("h2load failed: " + p.exitValue());
        }
    }

    private static void wrk(int port, int connections, int seconds) throws Exception {
        Process p = new ProcessBuilder(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                "http://127.0.0.1:" + port + "/plaintext"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + p.exitValue());
        }
    }
}
