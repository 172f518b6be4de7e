package io.shockwave.benchmarks.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Netty's HTTP/3 (netty-codec-http3 on quiche, native) beside {@link NettyServer}'s TCP
 * listeners: a trivial {@code /plaintext} handler on UDP {@code --tls-port} with the PEM
 * certificate and an event-loop thread of its own; the QUIC settings as Shockwave's, and no
 * address validation (Shockwave has no Retry).
 */
final class NettyHttp3 {
    /** No address validation: no Retry, and any token is ignored (as Netty's own, non-public NoQuicTokenHandler). */
    private static final QuicTokenHandler NO_RETRY = new QuicTokenHandler() {
        @Override
        public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
            return false;
        }

        @Override
        public int validateToken(ByteBuf token, InetSocketAddress address) {
            return 0;
        }

        @Override
        public int maxTokenLength() {
            return 0;
        }
    };

    private NettyHttp3() {
    }

    /** Binds UDP {@code o.tlsPort()}; the event loop lives as long as the JVM. */
    static void start(Peers.Options o) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        QuicSslContext ssl = QuicSslContextBuilder.forServer(o.key().toFile(), null, o.cert().toFile())
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        ChannelHandler codec = Http3.newQuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(30_000, TimeUnit.MILLISECONDS)
                .initialMaxData(4L * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(256 * 1024)
                .initialMaxStreamDataBidirectionalRemote(256 * 1024)
                .initialMaxStreamsBidirectional(128)
                .tokenHandler(NO_RETRY)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline().addLast(new Http3ServerConnectionHandler(new ChannelInitializer<QuicStreamChannel>() {
                            @Override
                            protected void initChannel(QuicStreamChannel stream) {
                                stream.pipeline().addLast(new Plaintext());
                            }
                        }));
                    }
                })
                .build();
        new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress(o.tlsPort())).sync();
    }

    /** Answers each request stream once its request has ended. */
    private static final class Plaintext extends Http3RequestStreamInboundHandler {
        private boolean found;

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            CharSequence path = frame.headers().path();
            found = path != null && Peers.PLAINTEXT_PATH.contentEquals(path);
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            frame.release();
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            Http3HeadersFrame headers = new DefaultHttp3HeadersFrame();
            if (!found) {
                headers.headers().status("404").addInt("content-length", 0);
                ctx.writeAndFlush(headers).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
                return;
            }
            headers.headers().status("200").add("content-type", Peers.TEXT_PLAIN)
                    .add("date", Peers.httpDate()).addInt("content-length", Peers.HELLO.length);
            ctx.write(headers);
            ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(Peers.HELLO)))
                    .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }
    }
}
