package io.shockwave.benchmarks.tools;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.QuicChannel;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/3 load generator, as h2load is for HTTP/2 (Debian's h2load has no HTTP/3): a
 * fixed number of QUIC connections, each keeping a fixed number of request streams in
 * flight, on Netty's QUIC (quiche, native) with one event-loop thread, so that the client
 * spends little CPU per request. Prints requests/s, errors and latency percentiles
 * (HdrHistogram), after a warm-up that is not counted. Every request is a GET of one path;
 * a response counts if its status is 2xx and its stream ends cleanly.
 *
 * <p>With {@code --cpu-pid PID} it also reads that process's CPU time ({@code utime + stime}
 * from {@code /proc/PID/stat}) at the start and the end of the measured interval, so that
 * requests per server-CPU-second leave out connection set-up and warm-up. The client's own
 * CPU share over the interval is printed too: above about 90 % the client, not the server,
 * is what limits the figure.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/peer-classpath.txt) \
 *     io.shockwave.benchmarks.tools.H3Load --port 8443 --connections 4 --streams 16 \
 *     --warmup 3 --duration 10 --path /plaintext [--cpu-pid PID]
 * </pre>
 * The last line is for scripts: {@code h3stats requests=N duration_us=N failed=N p50_us=N
 * p99_us=N server_cpu_ticks=N client_cpu_pct=N} ({@code server_cpu_ticks} only with
 * {@code --cpu-pid}, in the kernel's clock ticks).
 */
public final class H3Load {
    private final String authority;
    private final String path;
    private final Recorder latencies = new Recorder(3);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    private H3Load(String authority, String path) {
        this.authority = authority;
        this.path = path;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8443;
        int connections = 4;
        int streams = 16;
        int warmup = 3;
        int duration = 10;
        long cpuPid = -1;
        String path = "/plaintext";
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--streams" -> streams = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--path" -> path = v;
                case "--cpu-pid" -> cpuPid = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new H3Load(host + ":" + port, path)
                .run(new InetSocketAddress(host, port), connections, streams, warmup, duration, cpuPid);
    }

    private void run(InetSocketAddress server, int connections, int streams, int warmup, int duration, long cpuPid)
            throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            List<QuicChannel> quics = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                quics.add(H3Client.connect(group, server, 30_000).get(10, TimeUnit.SECONDS));
            }
            for (QuicChannel quic : quics) {
                quic.eventLoop().execute(() -> {
                    for (int s = 0; s < streams; s++) {
                        request(quic);
                    }
                });
            }
            Thread.sleep(warmup * 1000L);
            latencies.reset();
            long okBefore = ok.get();
            long failedBefore = failed.get();
            long serverBefore = cpuTicks(cpuPid);
            long clientBefore = clientCpuNanos();
            long start = System.nanoTime();
            Thread.sleep(duration * 1000L);
            long elapsed = System.nanoTime() - start;
            long serverTicks = cpuTicks(cpuPid) - serverBefore;
            long clientPct = Math.round(100.0 * (clientCpuNanos() - clientBefore) / elapsed);
            Histogram h = latencies.getIntervalHistogram();
            long done = ok.get() - okBefore;
            long errors = failed.get() - failedBefore;
            running = false;
            System.out.printf("h3load: %d connections x %d streams, %d s: %d requests, %.0f req/s, %d failed;"
                            + " client CPU %d %%%n",
                    connections, streams, duration, done, done * 1e9 / elapsed, errors, clientPct);
            System.out.printf("latency us: p50 %d p90 %d p99 %d max %d%n", h.getValueAtPercentile(50) / 1000,
                    h.getValueAtPercentile(90) / 1000, h.getValueAtPercentile(99) / 1000, h.getMaxValue() / 1000);
            System.out.printf("h3stats requests=%d duration_us=%d failed=%d p50_us=%d p99_us=%d%s client_cpu_pct=%d%n",
                    done, elapsed / 1000, errors, h.getValueAtPercentile(50) / 1000,
                    h.getValueAtPercentile(99) / 1000, cpuPid < 0 ? "" : " server_cpu_ticks=" + serverTicks,
                    clientPct);
            for (QuicChannel quic : quics) {
                quic.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** One GET; when it ends, the next on the same connection, from its event loop. */
    private void request(QuicChannel quic) {
        if (!running || !quic.isActive()) {
            return;
        }
        long start = System.nanoTime();
        H3Client.get(quic, authority, path, success -> {
            if (success) {
                latencies.recordValue(System.nanoTime() - start);
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            request(quic);
        });
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat); 0 without a PID. */
    private static long cpuTicks(long pid) throws IOException {
        if (pid < 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces: count from the parenthesis that ends it.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
