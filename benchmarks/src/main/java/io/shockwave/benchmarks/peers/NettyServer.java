package io.shockwave.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 as its HTTP hello-world example and the TechEmpower entry build it: HttpServerCodec and
 * one handler that writes pre-encoded bodies, flushing once per read batch. Native epoll when it
 * loads, NIO otherwise; the line {@code transport: epoll|nio} says which.
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

    public static void main(String[] args) throws InterruptedException {
        int port = Peers.port(args);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        System.out.println("transport: " + (epoll ? "epoll" : "nio"));

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(io);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS)));
        group.next().scheduleAtFixedRate(() -> date = new AsciiString(Peers.httpDate()), 1, 1, TimeUnit.SECONDS);

        Channel server = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpServerExpectContinueHandler())
                          .addLast(new HelloHandler());
                    }
                })
                .bind(new InetSocketAddress(port))
                .sync()
                .channel();
        Peers.ready(((InetSocketAddress) server.localAddress()).getPort());
        server.closeFuture().sync();
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
}
