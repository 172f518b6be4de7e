package io.shockwave.benchmarks.tools;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.QuicChannel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of the idle QUIC connection measurement in {@code benchmarks/compare.sh},
 * as {@code IdleConnections} is for TCP: opens N QUIC connections (Netty's quiche, one UDP
 * socket each), sends one HTTP/3 {@code GET} on each and reads the whole response, then holds
 * every connection open without a packet more until its standard input closes (or
 * {@code --hold} seconds pass). Prints {@code open N} (and {@code failed F first-error ...})
 * once every connection has been tried, then {@code closed} on the way out.
 *
 * <p>The idle timeout it offers is {@code --hold} plus a minute, so that the server's own
 * idle timeout is the one that applies.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/peer-classpath.txt) \
 *     io.shockwave.benchmarks.tools.H3Idle --port 8443 --connections 500 [--concurrency 16] [--hold 120]
 * </pre>
 */
public final class H3Idle {
    private H3Idle() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8443;
        int connections = 100;
        int concurrency = 16;
        long hold = 120;
        String path = "/plaintext";
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--connections" -> connections = Integer.parseInt(v);
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--hold" -> hold = Long.parseLong(v);
                case "--path" -> path = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        InetSocketAddress server = new InetSocketAddress(host, port);
        String authority = host + ":" + port;
        String target = path;
        long idleMillis = (hold + 60) * 1000;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<QuicChannel> open = new ArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<QuicChannel>> tries = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                inFlight.acquire();
                CompletableFuture<QuicChannel> done = new CompletableFuture<>();
                done.whenComplete((quic, error) -> inFlight.release());
                tries.add(done);
                H3Client.connect(group, server, idleMillis).addListener(f -> {
                    if (!f.isSuccess()) {
                        done.completeExceptionally(f.cause());
                        return;
                    }
                    QuicChannel quic = (QuicChannel) f.getNow();
                    H3Client.get(quic, authority, target, ok -> {
                        if (ok) {
                            done.complete(quic);
                        } else {
                            quic.close();
                            done.completeExceptionally(new IllegalStateException("GET " + target + " failed"));
                        }
                    });
                });
            }
            for (CompletableFuture<QuicChannel> t : tries) {
                try {
                    open.add(t.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
            }
            System.out.println("open " + open.size());
            if (failed.get() > 0) {
                System.out.println("failed " + failed.get() + " first-error " + firstError.get());
            }
            System.out.flush();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    System.in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException ignored) {
                    // closed: stop holding
                }
            });
            reader.join(hold * 1000);
            for (QuicChannel quic : open) {
                quic.close();
            }
            System.out.println("closed");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
