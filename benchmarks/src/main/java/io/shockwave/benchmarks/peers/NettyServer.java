package io.shockwave.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsciiString;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 as its HTTP hello-world example and the TechEmpower entry build it: HttpServerCodec and
 * one handler that writes pre-encoded bodies, flushing once per read batch. Native epoll when it
 * loads, NIO otherwise; the line {@code transport: epoll|nio} says which.
 *
 * <p>HTTP/2 as Netty's own HTTP/2 hello-world server builds it: one Http2ConnectionHandler that is
 * also the Http2FrameListener, writing through its encoder, with no frame objects and no child
 * channel per stream.
 * The cleartext port looks at the first bytes of each connection and sets up the HTTP/1.1
 * pipeline unless they are the HTTP/2 preface (h2c with prior knowledge); the TLS port (the JDK
 * provider, no tcnative) picks HTTP/1.1 or HTTP/2 by ALPN, and HTTP/3 ({@link NettyHttp3}) listens
 * on the same port number over UDP.
 */
public final class NettyServer {
    private static final AsciiString SERVER = AsciiString.cached("Netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached(Peers.TEXT_PLAIN);
    private static final AsciiString APPLICATION_JSON = AsciiString.cached(Peers.APPLICATION_JSON);
    private static final AsciiString HELLO_LENGTH = AsciiString.cached(Integer.toString(Peers.HELLO.length));
    private static final AsciiString JSON_LENGTH = AsciiString.cached(Integer.toString(Peers.JSON.length));

    // Netty leaves Date to the application; like the TechEmpower entry, format it once a second.
    private static volatile AsciiString date = new AsciiString(Peers.httpDate());
    // The HTTP/2 response headers carry that Date too, so they are rebuilt with it rather than per request.
    private static volatile Http2Responses http2Responses = Http2Responses.at(date);

    private NettyServer() {
    }

    public static void main(String[] args) throws Exception {
        Peers.Options options = Peers.options(args);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        System.out.println("transport: " + (epoll ? "epoll" : "nio"));

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(io);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS)));
        group.next().scheduleAtFixedRate(() -> {
            AsciiString now = new AsciiString(Peers.httpDate());
            date = now;
            http2Responses = Http2Responses.at(now);
        }, 1, 1, TimeUnit.SECONDS);

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
            NettyHttp3.start(options);
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
        pipeline.addLast(new Http2HelloHandlerBuilder().build());
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

    /** One HTTP/2 answer: its response headers and its body, null for none. */
    private record Http2Response(Http2Headers headers, ByteBuf body) {
    }

    /**
     * The three HTTP/2 answers for one Date value. Built once a second and then only read, so every
     * connection on every event loop shares them: the encoder only reads the headers it is given
     * (HPACK encodes them on the spot) and each write takes its own duplicate of the body.
     */
    private record Http2Responses(Http2Response plaintext, Http2Response json, Http2Response notFound) {
        // Direct, so epoll hands them to the socket without a copy; unreleasable, so the duplicate each
        // response writes shares no reference count between event loops and is released for free.
        private static final ByteBuf HELLO_BODY = body(Peers.HELLO);
        private static final ByteBuf JSON_BODY = body(Peers.JSON);

        static Http2Responses at(AsciiString date) {
            return new Http2Responses(
                    new Http2Response(headers(HttpResponseStatus.OK, date)
                            .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                            .set(HttpHeaderNames.CONTENT_LENGTH, HELLO_LENGTH), HELLO_BODY),
                    new Http2Response(headers(HttpResponseStatus.OK, date)
                            .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
                            .set(HttpHeaderNames.CONTENT_LENGTH, JSON_LENGTH), JSON_BODY),
                    new Http2Response(headers(HttpResponseStatus.NOT_FOUND, date)
                            .set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO), null));
        }

        private static Http2Headers headers(HttpResponseStatus status, AsciiString date) {
            return new DefaultHttp2Headers()
                    .status(status.codeAsText())
                    .set(HttpHeaderNames.SERVER, SERVER)
                    .set(HttpHeaderNames.DATE, date);
        }

        private static ByteBuf body(byte[] bytes) {
            return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
        }

        /** The answer to a request's HEADERS: GET /plaintext, GET /json, anything else 404. */
        Http2Response route(Http2Headers request) {
            if (!HttpMethod.GET.asciiName().contentEquals(request.method())) {
                return notFound;
            }
            CharSequence path = request.path();
            if (AsciiString.contentEquals(Peers.PLAINTEXT_PATH, path)) {
                return plaintext;
            }
            if (AsciiString.contentEquals(Peers.JSON_PATH, path)) {
                return json;
            }
            return notFound;
        }
    }

    /** Builds an {@link Http2HelloHandler} that is its own frame listener, as Netty's example does. */
    private static final class Http2HelloHandlerBuilder
            extends AbstractHttp2ConnectionHandlerBuilder<Http2HelloHandler, Http2HelloHandlerBuilder> {
        @Override
        public Http2HelloHandler build() {
            return super.build(); // public: the inherited build() is protected
        }

        @Override
        protected Http2HelloHandler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                          Http2Settings initialSettings) {
            Http2HelloHandler handler = new Http2HelloHandler(decoder, encoder, initialSettings);
            frameListener(handler);
            return handler;
        }
    }

    /**
     * Answers each request once it has ended (END_STREAM on its HEADERS, or on its last DATA frame)
     * with a HEADERS and a DATA frame written straight to the encoder, or a lone HEADERS frame with
     * END_STREAM for a 404. There is no flush here: Http2ConnectionHandler.channelReadComplete
     * writes what flow control allows and flushes once per read batch, like the HTTP/1.1 handler.
     * Each write gets ctx.newPromise(), as in Netty's example: the encoder turns a void promise
     * into a new one anyway (ChannelPromise.unvoid) because it listens on every write.
     */
    private static final class Http2HelloHandler extends Http2ConnectionHandler implements Http2FrameListener {
        // The answer chosen from a request's HEADERS while its body is still to come.
        private final Http2Connection.PropertyKey pending;

        Http2HelloHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
            pending = connection().newKey();
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) {
            Http2Stream stream = connection().stream(streamId);
            // Set only if this is the trailer block of a request whose HEADERS came without END_STREAM.
            Http2Response response = stream.getProperty(pending);
            if (response == null) {
                response = http2Responses.route(headers);
            }
            if (endOfStream) {
                respond(ctx, streamId, response);
            } else {
                stream.setProperty(pending, response);
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                                  int streamDependency, short weight, boolean exclusive, int padding,
                                  boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                              boolean endOfStream) {
            if (endOfStream) {
                Http2Response response = connection().stream(streamId).removeProperty(pending);
                respond(ctx, streamId, response != null ? response : http2Responses.notFound());
            }
            // The body is not needed: count it all as processed so its flow-control window goes back.
            return data.readableBytes() + padding;
        }

        private void respond(ChannelHandlerContext ctx, int streamId, Http2Response response) {
            ByteBuf body = response.body();
            encoder().writeHeaders(ctx, streamId, response.headers(), 0, body == null, ctx.newPromise());
            if (body != null) {
                // A duplicate: the frame writer moves the reader index of the buffer it is given.
                encoder().writeData(ctx, streamId, body.duplicate(), 0, true, ctx.newPromise());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
                super.exceptionCaught(ctx, cause); // protocol errors: RST_STREAM or GOAWAY as HTTP/2 wants
            } else {
                ctx.close();
            }
        }

        // The other frames need nothing from a hello-world server: Http2ConnectionHandler already
        // acknowledges SETTINGS and PING and keeps the flow-control windows.

        @Override
        public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                                   boolean exclusive) {
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
        }

        @Override
        public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
                                      Http2Headers headers, int padding) {
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        }

        @Override
        public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                                   ByteBuf payload) {
        }
    }
}
