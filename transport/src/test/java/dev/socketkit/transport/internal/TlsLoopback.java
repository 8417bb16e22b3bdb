package dev.socketkit.transport.internal;

import dev.socketkit.transport.TlsConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Real loopback TLS for the tests: an echo server and clients on NIO over 127.0.0.1, each side reporting how its
 * handshake ended. Every wait is bounded (a hung handshake fails the test instead of hanging the build); none is
 * asserted on.
 */
final class TlsLoopback implements AutoCloseable {
    /** Long enough for a handshake on a busy 2-core machine; only a hang reaches it. */
    static final long WAIT_SECONDS = 30;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /** A listening server and the outcome of each handshake it ran, in order. */
    static final class Server implements AutoCloseable {
        final Channel channel;
        private final LinkedBlockingQueue<Outcome> handshakes;

        Server(Channel channel, LinkedBlockingQueue<Outcome> handshakes) {
            this.channel = channel;
            this.handshakes = handshakes;
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        /** The next handshake's outcome on the server side. */
        Outcome nextHandshake() throws InterruptedException {
            Outcome outcome = handshakes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (outcome == null) {
                throw new AssertionError("the server saw no handshake end within " + WAIT_SECONDS + " s");
            }
            return outcome;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    /**
     * How a handshake ended: {@code failure} null for success; then what was agreed, the server names the client asked
     * for (SNI, as the server saw them), and the peer's leaf certificate (null if it sent none).
     */
    record Outcome(
            Throwable failure,
            String applicationProtocol,
            String protocol,
            List<String> serverNames,
            X509Certificate peerCertificate) {
        static Outcome failed(Throwable failure) {
            return new Outcome(failure, null, null, List.of(), null);
        }

        static Outcome of(SslHandler ssl) {
            SSLSession session = ssl.engine().getSession();
            List<String> names = new ArrayList<>();
            if (session instanceof ExtendedSSLSession extended) {
                for (SNIServerName name : extended.getRequestedServerNames()) {
                    names.add(((SNIHostName) name).getAsciiName());
                }
            }
            X509Certificate peer;
            try {
                peer = (X509Certificate) session.getPeerCertificates()[0];
            } catch (SSLPeerUnverifiedException e) {
                peer = null;
            }
            return new Outcome(null, ssl.applicationProtocol(), session.getProtocol(), names, peer);
        }

        boolean succeeded() {
            return failure == null;
        }
    }

    /** A connected client: its handshake outcome, then what it reads, or why the connection failed. */
    static final class Client implements AutoCloseable {
        final Channel channel;
        final SslHandler ssl;
        private final CompletableFuture<Outcome> handshake;
        private final LinkedBlockingQueue<Object> received;

        Client(
                Channel channel,
                SslHandler ssl,
                CompletableFuture<Outcome> handshake,
                LinkedBlockingQueue<Object> received) {
            this.channel = channel;
            this.ssl = ssl;
            this.handshake = handshake;
            this.received = received;
        }

        Outcome awaitHandshake() throws InterruptedException, ExecutionException, TimeoutException {
            return handshake.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        /**
         * Sends a line and returns the echo; or, when the peer rejects the connection after the handshake (as TLS 1.3
         * servers do with a missing client certificate), the exception that says why.
         */
        Object echo(String line) throws InterruptedException {
            channel.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
            Object answer = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (answer == null) {
                throw new AssertionError("no echo and no failure within " + WAIT_SECONDS + " s");
            }
            return answer;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    /** Records the end of the handshake and the first failure in {@code sink}. */
    private static ChannelHandler handshakeRecorder(Consumer<Outcome> sink) {
        return new ChannelInboundHandlerAdapter() {
            private boolean reported;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event instanceof SslHandshakeCompletionEvent completion && !reported) {
                    reported = true;
                    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                    sink.accept(completion.isSuccess() ? Outcome.of(ssl) : Outcome.failed(completion.cause()));
                }
                super.userEventTriggered(ctx, event);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (reported) {
                    // After the handshake: for the handler behind, which keeps it as what the connection read.
                    ctx.fireExceptionCaught(cause);
                    return;
                }
                reported = true;
                sink.accept(Outcome.failed(cause));
                ctx.close();
            }
        };
    }

    /**
     * A TLS echo server on 127.0.0.1, any free port.
     *
     * @param handlers makes the server's SslHandler for each connection
     */
    Server server(Function<ByteBufAllocator, SslHandler> handlers) throws InterruptedException {
        LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handlers.apply(ch.alloc()));
                        ch.pipeline().addLast(handshakeRecorder(outcomes::add));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        return new Server(channel, outcomes);
    }

    /**
     * A plain TCP server that greets each connection with a line of text and no TLS, like an SMTP or HTTP server on
     * the wrong port.
     */
    Server plainServer(String greeting) throws InterruptedException {
        return plain(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(greeting, StandardCharsets.US_ASCII));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    /** A plain TCP echo server, no TLS: a TLS client gets its own ClientHello back. */
    Server plainEchoServer() throws InterruptedException {
        return plain(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
            }
        });
    }

    private Server plain(ChannelHandler handler) throws InterruptedException {
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(handler)
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        return new Server(channel, new LinkedBlockingQueue<>());
    }

    /**
     * Connects to 127.0.0.1:{@code port} with a TLS handler from {@code handlers}, or without TLS for null.
     */
    Client connect(int port, Function<ByteBufAllocator, SslHandler> handlers) throws InterruptedException {
        CompletableFuture<Outcome> handshake = new CompletableFuture<>();
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        SslHandler[] ssl = new SslHandler[1];
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (handlers != null) {
                            ssl[0] = handlers.apply(ch.alloc());
                            ch.pipeline().addLast(ssl[0]);
                            ch.pipeline().addLast(handshakeRecorder(handshake::complete));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf bytes = (ByteBuf) msg;
                                try {
                                    received.add(bytes.toString(StandardCharsets.UTF_8));
                                } finally {
                                    bytes.release();
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                received.add(cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                received.add(new ClosedByPeer());
                            }
                        });
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
        return new Client(channel, ssl[0], handshake, received);
    }

    /** Connects a client made from {@code config} (with its context) to {@code host}:{@code port} of the server. */
    Client connect(Server server, SslContext context, TlsConfig config, String host) throws InterruptedException {
        int port = server.port();
        return connect(port, allocator -> TlsContexts.newClientHandler(context, config, allocator, host, port));
    }

    /** What {@link Client#echo} returns when the peer closed the connection without a TLS alert that said why. */
    static final class ClosedByPeer extends Exception {
        private static final long serialVersionUID = 1L;

        ClosedByPeer() {
            super("connection closed by the peer");
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
