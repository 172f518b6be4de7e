package io.shockwave.benchmarks.tools;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
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
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/peer-classpath.txt) \
 *     io.shockwave.benchmarks.tools.H3Load --port 8443 --connections 4 --streams 16 \
 *     --warmup 3 --duration 10 --path /plaintext
 * </pre>
 */
public final class H3Load {
    private final String host;
    private final int port;
    private final String path;
    private final Recorder latencies = new Recorder(3);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    private H3Load(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8443;
        int connections = 4;
        int streams = 16;
        int warmup = 3;
        int duration = 10;
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
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        new H3Load(host, port, path).run(connections, streams, warmup, duration);
    }

    private void run(int connections, int streams, int warmup, int duration) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            QuicSslContext ssl = QuicSslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols(Http3.supportedApplicationProtocols()).build();
            List<QuicChannel> quics = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                // A codec per UDP socket: it is not shareable.
                ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                        .sslContext(ssl)
                        .maxIdleTimeout(30_000, TimeUnit.MILLISECONDS)
                        .initialMaxData(64L * 1024 * 1024)
                        .initialMaxStreamDataBidirectionalLocal(4L * 1024 * 1024)
                        .initialMaxStreamsBidirectional(1024)
                        .build();
                Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                        .bind(0).sync().channel();
                QuicChannel quic = QuicChannel.newBootstrap(udp)
                        .handler(new Http3ClientConnectionHandler())
                        .remoteAddress(new InetSocketAddress(host, port))
                        .connect().get(10, TimeUnit.SECONDS);
                quics.add(quic);
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
            long start = System.nanoTime();
            Thread.sleep(duration * 1000L);
            long elapsed = System.nanoTime() - start;
            Histogram h = latencies.getIntervalHistogram();
            long done = ok.get() - okBefore;
            running = false;
            System.out.printf("h3load: %d connections x %d streams, %d s: %d requests, %.0f req/s, %d failed%n",
                    connections, streams, duration, done, done * 1e9 / elapsed, failed.get() - failedBefore);
            System.out.printf("latency us: p50 %d p90 %d p99 %d max %d%n", h.getValueAtPercentile(50) / 1000,
                    h.getValueAtPercentile(90) / 1000, h.getValueAtPercentile(99) / 1000, h.getMaxValue() / 1000);
            for (QuicChannel quic : quics) {
                quic.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** One GET on a new request stream; when it ends, the next, on the connection's event loop. */
    private void request(QuicChannel quic) {
        if (!running || !quic.isActive()) {
            return;
        }
        long start = System.nanoTime();
        Http3.newRequestStream(quic, new Http3RequestStreamInboundHandler() {
            private boolean success;

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
                CharSequence status = frame.headers().status();
                success = status != null && status.length() == 3 && status.charAt(0) == '2';
                ReferenceCountUtil.release(frame);
            }

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
                frame.release();
            }

            @Override
            protected void channelInputClosed(ChannelHandlerContext ctx) {
                if (success) {
                    latencies.recordValue(System.nanoTime() - start);
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                ctx.close();
                request(quic);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                failed.incrementAndGet();
                ctx.close();
                request(quic);
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                failed.incrementAndGet();
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame headers = new DefaultHttp3HeadersFrame();
            headers.headers().method("GET").path(path).authority(host + ":" + port).scheme("https");
            stream.writeAndFlush(headers).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        });
    }
}
