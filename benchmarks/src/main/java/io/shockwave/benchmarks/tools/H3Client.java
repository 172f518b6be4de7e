package io.shockwave.benchmarks.tools;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
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
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * What the HTTP/3 tools share: QUIC connections on Netty's quiche that trust any certificate,
 * each on a UDP socket of its own, and one GET on a new request stream.
 */
final class H3Client {
    private static final QuicSslContext SSL = QuicSslContextBuilder.forClient()
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .applicationProtocols(Http3.supportedApplicationProtocols()).build();

    /** How a GET ended: {@code ok} when the status was 2xx and the stream ended cleanly. */
    interface Outcome {
        void done(boolean ok);
    }

    private H3Client() {
    }

    /** Connects; the future fails if the handshake does not complete. */
    static Future<QuicChannel> connect(EventLoopGroup group, InetSocketAddress server, long idleMillis)
            throws InterruptedException {
        // A codec per UDP socket: it is not shareable.
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslContext(SSL)
                .maxIdleTimeout(idleMillis, TimeUnit.MILLISECONDS)
                .initialMaxData(64L * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(4L * 1024 * 1024)
                .initialMaxStreamsBidirectional(1024)
                .build();
        Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(0).sync().channel();
        return QuicChannel.newBootstrap(udp)
                .handler(new Http3ClientConnectionHandler())
                .remoteAddress(server)
                .connect();
    }

    /** One GET of {@code path} on a new request stream; {@code outcome} runs once, on the event loop. */
    static void get(QuicChannel quic, String authority, String path, Outcome outcome) {
        Http3.newRequestStream(quic, new Http3RequestStreamInboundHandler() {
            private boolean success;
            private boolean reported;

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
                report(success);
                ctx.close();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                report(false);
                ctx.close();
            }

            private void report(boolean ok) {
                if (!reported) {
                    reported = true;
                    outcome.done(ok);
                }
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                outcome.done(false);
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame headers = new DefaultHttp3HeadersFrame();
            headers.headers().method("GET").path(path).authority(authority).scheme("https");
            stream.writeAndFlush(headers).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        });
    }
}
