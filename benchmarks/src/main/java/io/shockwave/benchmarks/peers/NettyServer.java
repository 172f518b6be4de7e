package io.shockwave.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 as its HTTP hello-world example and the TechEmpower entry build it: HttpServerCodec and
 * one handler that writes pre-encoded bodies, flushing once per read batch. Native epoll when it
 * loads, NIO otherwise; the line {@code transport: epoll|nio} says which.
 *
 * <p>HTTP/2 as Netty's own HTTP/2 hello-world example builds it: Http2FrameCodec and one handler
 * on the connection's channel answering each HEADERS frame, without a child channel per stream.
 * The cleartext port looks at the first bytes of each connection and sets up the HTTP/1.1
 * pipeline unless they are the HTTP/2 preface (h2c with prior knowledge); the TLS port (the JDK
 * provider, no tcnative) picks HTTP/1.1 or HTTP/2 by ALPN.
 */
public final class NettyServer {
    private static final AsciiString SERVER = AsciiString.cached("Netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached(Peers.TEXT_PLAIN);
    private static final AsciiString APPLICATION_JSON = AsciiString.cached(Peers.APPLICATION_JSON);
    private static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(Peers.HELLO.length));
    private static final AsciiString JSON_LENGTH = AsciiString.cached(Integer.toString(Peers.JSON.length));

    // Netty leaves Date to the application; like the TechEmpower entry, format it once a second.
    private static volatile AsciiString date = new AsciiString(Peers.httpDate());

    private NettyServer() {
    }

    public static void main(String[] args) throws InterruptedException, SSLException {
        Peers.Options options = Peers.options(args);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        System.out.println("transport: " + (epoll ? "epoll" : "nio"));

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(io);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS)));
        group.next().scheduleAtFixedRate(() -> date = new AsciiString(Peers.httpDate()), 1, 1, TimeUnit.SECONDS);

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024);
        Channel server = bootstrap.clone()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new PriorKnowledge());
                    }
                })
                .bind(new InetSocketAddress(options.port()))
                .sync()
                .channel();
        int tlsPort = Peers.Options.NO_TLS;
        if (options.tls()) {
            SslContext tls = tlsContext(options);
            Channel secure = bootstrap.clone()
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new Negotiated());
                        }
                    })
                    .bind(new InetSocketAddress(options.tlsPort()))
                    .sync()
                    .channel();
            tlsPort = ((InetSocketAddress) secure.localAddress()).getPort();
        }
        Peers.ready(((InetSocketAddress) server.localAddress()).getPort(), tlsPort);
        server.closeFuture().sync();
    }

    /** The JDK's TLS (no tcnative), h2 preferred to http/1.1; a client that offers neither gets HTTP/1.1. */
    private static SslContext tlsContext(Peers.Options options) throws SSLException {
        return SslContextBuilder.forServer(options.keyManagers())
                .sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    private static void http1(ChannelPipeline pipeline) {
        pipeline.addLast(new HttpServerCodec())
                .addLast(new HttpServerExpectContinueHandler())
                .addLast(new HelloHandler());
    }

    private static void http2(ChannelPipeline pipeline) {
        pipeline.addLast(Http2FrameCodecBuilder.forServer().build())
                .addLast(new Http2HelloHandler());
    }

    /**
     * Reads until the first bytes tell HTTP/1.1 from the HTTP/2 preface (RFC 9113 §3.4), puts the
     * pipeline for that protocol after itself and leaves; its buffered bytes go on to that pipeline.
     * Netty's CleartextHttp2ServerUpgradeHandler does the same but keeps an HttpServerUpgradeHandler
     * (h2c Upgrade) on every HTTP/1.1 connection, which the HTTP/1.1 runs should not pay for.
     */
    private static final class PriorKnowledge extends ByteToMessageDecoder {
        private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
            boolean preface = ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), n);
            if (preface && n < PREFACE.readableBytes()) {
                return; // so far a prefix of the preface: wait for the rest
            }
            if (preface) {
                http2(ctx.pipeline());
            } else {
                http1(ctx.pipeline());
            }
            ctx.pipeline().remove(this);
        }
    }

    /** Sets up the pipeline for the protocol ALPN chose, after the TLS handshake. */
    private static final class Negotiated extends ApplicationProtocolNegotiationHandler {
        Negotiated() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(ctx.pipeline());
            } else {
                http1(ctx.pipeline());
            }
        }
    }

    private static final class HelloHandler extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return;
            }
            FullHttpResponse response;
            String uri = request.uri();
            if (request.method() == HttpMethod.GET && uri.equals(Peers.PLAINTEXT_PATH)) {
                response = response(HttpResponseStatus.OK, Peers.HELLO, TEXT_PLAIN, HELLO_LENGTH);
            } else if (request.method() == HttpMethod.GET && uri.equals(Peers.JSON_PATH)) {
                response = response(HttpResponseStatus.OK, Peers.JSON, APPLICATION_JSON, JSON_LENGTH);
            } else {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                response.headers()
                        .set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
                        .set(HttpHeaderNames.SERVER, SERVER)
                        .set(HttpHeaderNames.DATE, date);
            }
            if (HttpUtil.isKeepAlive(request)) {
                if (!request.protocolVersion().isKeepAliveDefault()) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.write(response, ctx.voidPromise());
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse response(HttpResponseStatus status, byte[] body,
                                                 AsciiString type, AsciiString length) {
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, type)
                    .set(HttpHeaderNames.CONTENT_LENGTH, length)
                    .set(HttpHeaderNames.SERVER, SERVER)
                    .set(HttpHeaderNames.DATE, date);
            return response;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Answers each request on its HEADERS frame with a HEADERS and a DATA frame, flushing once per
     * read batch like the HTTP/1.1 handler. A request body is not needed for an answer: its DATA
     * frames only give their flow-control window back. Frames are written with a promise each,
     * as Netty's HTTP/2 examples write them.
     */
    private static final class Http2HelloHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                respond(ctx, headers.stream(), headers.headers());
            } else if (msg instanceof Http2DataFrame data) {
                int bytes = data.initialFlowControlledBytes();
                Http2FrameStream stream = data.stream();
                data.release();
                if (bytes > 0) {
                    ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream));
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void respond(ChannelHandlerContext ctx, Http2FrameStream stream, Http2Headers request) {
            boolean get = HttpMethod.GET.asciiName().contentEquals(request.method());
            CharSequence path = request.path();
            byte[] body;
            AsciiString type;
            AsciiString length;
            if (get && AsciiString.contentEquals(Peers.PLAINTEXT_PATH, path)) {
                body = Peers.HELLO;
                type = TEXT_PLAIN;
                length = HELLO_LENGTH;
            } else if (get && AsciiString.contentEquals(Peers.JSON_PATH, path)) {
                body = Peers.JSON;
                type = APPLICATION_JSON;
                length = JSON_LENGTH;
            } else {
                Http2Headers notFound = new DefaultHttp2Headers()
                        .status(HttpResponseStatus.NOT_FOUND.codeAsText())
                        .set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
                        .set(HttpHeaderNames.SERVER, SERVER)
                        .set(HttpHeaderNames.DATE, date);
                ctx.write(new DefaultHttp2HeadersFrame(notFound, true).stream(stream));
                return;
            }
            Http2Headers headers = new DefaultHttp2Headers()
                    .status(HttpResponseStatus.OK.codeAsText())
                    .set(HttpHeaderNames.CONTENT_TYPE, type)
                    .set(HttpHeaderNames.CONTENT_LENGTH, length)
                    .set(HttpHeaderNames.SERVER, SERVER)
                    .set(HttpHeaderNames.DATE, date);
            ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(stream));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
