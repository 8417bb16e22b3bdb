package dev.socketkit.relay;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.AcceptPause;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.ConnectionCap;
import dev.socketkit.transport.internal.Failures;
import dev.socketkit.transport.internal.HexDump;
import dev.socketkit.transport.internal.LogThrottle;
import dev.socketkit.transport.internal.ServerTls;
import dev.socketkit.transport.internal.StreamReads;
import dev.socketkit.transport.internal.TlsContexts;
import dev.socketkit.transport.internal.TlsEndOfInput;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The stream half of the relay: a server bootstrap whose every accepted connection opens one to the target on the same
 * event loop, and a {@link Splice} that joins the two.
 */
final class StreamRelay {
    private static final Logger LOG = LogManager.getLogger(Relay.class);
    private static final AttributeKey<Long> NUMBER = AttributeKey.valueOf(StreamRelay.class, "number");

    private final RelayConfig config;
    private final Transport transport;
    private final Counters counters;
    private final FaultHook faults;
    private final RelayListener listener;
    private final Set<Channel> connections;
    private final ServerTls listenTls;
    private final SslContext targetTls;
    private final TlsConfig targetTlsConfig;
    /** {@code --hexdump}'s wiretap, the same sharable one on every channel; null without it. */
    private final HexDump hexDump;

    private final LogThrottle targetWarnings = new LogThrottle();
    private final LogThrottle refusedWarnings = new LogThrottle();
    private final LogThrottle resourceWarnings = new LogThrottle();
    private final ConnectionCap cap;

    StreamRelay(
            RelayConfig config,
            Transport transport,
            Counters counters,
            FaultHook faults,
            RelayListener listener,
            Set<Channel> connections,
            ServerTls listenTls,
            SslContext targetTls) {
        this.config = config;
        this.transport = transport;
        this.counters = counters;
        this.faults = faults;
        this.listener = listener;
        this.connections = connections;
        this.listenTls = listenTls;
        this.targetTls = targetTls;
        this.targetTlsConfig = config.effectiveTargetTls().orElse(null);
        this.hexDump = config.hexDump().map(HexDump::new).orElse(null);
        this.cap = new ConnectionCap(config.maxConnections());
    }

    /** The listening side: connections are numbered on the listening channel's loop, so in accept order. */
    ServerBootstrap bootstrap(EventLoopGroup group) {
        SocketKind kind = config.listen().kind();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass(kind))
                .handler(new Numbering(config.listen(), counters))
                // Off until the target is connected: nothing is read that could not be passed on.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(config.bufferSize()))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        Splice splice = new Splice(client.attr(NUMBER).get(), client);
                        if (!config.idleTimeout().isZero()) {
                            // On the client's side: its reads, and writes it has taken; closing it closes the target.
                            client.pipeline()
                                    .addLast(
                                            new IdleStateHandler(
                                                    0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                            IdleClose.INSTANCE);
                        }
                        if (listenTls != null) {
                            SslHandler tls = listenTls.newHandler(client.alloc());
                            tls.setHandshakeTimeoutMillis(
                                    config.tlsHandshakeTimeout().toMillis());
                            client.pipeline().addLast(tls, new TlsEndOfInput());
                        }
                        if (hexDump != null) {
                            client.pipeline().addLast(hexDump); // after TLS: the bytes as the relay passes them
                        }
                        client.pipeline().addLast(splice.upstream);
                    }
                });
        Bootstraps.acceptInBatches(bootstrap, transport);
        if (Bootstraps.supportsHalfClosure(transport, kind)) {
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        } else {
            LOG.warn(
                    "{} cannot half-close {} connections (a Netty limitation): a client's EOF closes its relayed"
                            + " connection once what it sent is passed on; --io epoll can",
                    transport.id(),
                    kind.scheme());
        }
        return Bootstraps.applyServerOptions(bootstrap, config.socketOptions());
    }

    /** Closes a connection whose client has been idle for the relay's idle timeout. */
    @ChannelHandler.Sharable
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        static final IdleClose INSTANCE = new IdleClose();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                LOG.debug("closing {}: idle", ctx.channel());
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    /**
     * On the listening channel, in accept order: takes a place for connection {@code number} under {@link
     * RelayConfig#maxConnections()} and hands it on to be registered, the place given back when it closes or fails to
     * be registered; or closes it at once, before anything is connected to the target for it, counted, logged (a line a
     * second at most) and told to the listener as its one event, a close {@code refused}, since it was never opened.
     */
    private void admit(ChannelHandlerContext ctx, Channel client, long number) {
        if (cap.admit(ctx, client)) {
            return;
        }
        counters.connectionsRefused.increment();
        String more = refusedWarnings.admit();
        if (more != null) {
            LOG.warn("{}{}", cap.refusal(client.remoteAddress()), more);
        }
        ConnectionCap.refuse(client);
        listener.connectionClosed(number, 0, 0, "refused");
    }

    /**
     * On the listening channel: gives each accepted connection its ordinal and admits or refuses it ({@link #admit})
     * before the acceptor hands it to its event loop, and pauses accepting for a second when an accept fails ({@link
     * AcceptPause}), in one WARN line a second.
     */
    private final class Numbering extends AcceptPause {
        private final LogThrottle acceptWarnings = new LogThrottle();

        Numbering(Endpoint listen, Counters counters) {
            super(listen, () -> counters.openConnections.intValue());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                long number = counters.connections.incrementAndGet();
                child.attr(NUMBER).set(number); // for its Splice, once registered
                admit(ctx, child, number);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        protected void failed(String line) {
            counters.acceptFailures.increment();
            String more = acceptWarnings.admit();
            if (more != null) {
                LOG.warn("{}{}", line, more);
            }
        }
    }

    /** One relayed connection: the client's channel and the target's, on one event loop. */
    final class Splice {
        final long number;
        final Channel client;
        final Side upstream;
        final Side downstream;
        Channel target;
        boolean started;
        boolean targetFailed;
        /** An I/O error (other than a reset) closed it. */
        boolean failed;

        Splice(long number, Channel client) {
            this.number = number;
            this.client = client;
            this.upstream = new Side(this, Direction.UPSTREAM, counters);
            this.downstream = new Side(this, Direction.DOWNSTREAM, counters);
        }

        /** The client is connected: connect to the target from the client's event loop. */
        void connectTarget() {
            connections.add(client);
            counters.openConnections.increment();
            client.closeFuture().addListener(closed -> closed());
            Endpoint endpoint = config.target();
            SocketKind kind = endpoint.kind();
            Bootstrap bootstrap = new Bootstrap()
                    .group(client.eventLoop())
                    .channel(transport.channelClass(kind))
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(config.bufferSize()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            if (targetTls != null) {
                                SslHandler tls = TlsContexts.newClientHandler(
                                        targetTls,
                                        targetTlsConfig,
                                        channel.alloc(),
                                        kind.isUnix() ? "localhost" : endpoint.host(),
                                        kind.isUnix() ? 0 : endpoint.port());
                                tls.setHandshakeTimeoutMillis(
                                        config.connectTimeout().toMillis());
                                channel.pipeline().addLast(tls, new TlsEndOfInput());
                                tls.handshakeFuture().addListener(done -> {
                                    if (!done.isSuccess()) {
                                        targetFailed(done.cause());
                                    }
                                });
                            }
                            if (hexDump != null) {
                                channel.pipeline().addLast(hexDump);
                            }
                            channel.pipeline().addLast(downstream);
                        }
                    });
            if (Bootstraps.supportsHalfClosure(transport, kind)) {
                bootstrap.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
            }
            Bootstraps.applyOptions(bootstrap, config.socketOptions());
            Bootstraps.connectTimeout(bootstrap, config.connectTimeout());
            var connecting = bootstrap.connect(transport.socketAddress(endpoint));
            target = connecting.channel();
            connecting.addListener(done -> {
                if (done.cause() instanceof ClosedChannelException) {
                    // Closed by the relay while connecting (the client left, or the relay stops): not the target's
                    // fault.
                    client.close();
                } else if (!done.isSuccess()) {
                    targetFailed(done.cause());
                } else if (!client.isActive()) {
                    target.close();
                } else {
                    start();
                }
            });
        }

        /** Memory or descriptors ran out on one of its channels: the operator is told, by name (a line a second). */
        void resourceFailed(Channel channel, Throwable cause) {
            String more = resourceWarnings.admit();
            if (more != null) {
                LOG.warn(
                        "connection {}: closing it, {} failed: {}{}",
                        number,
                        channel.remoteAddress(),
                        Failures.describeResourceOrRoot(cause),
                        more);
            }
        }

        private void targetFailed(Throwable cause) {
            if (!client.isOpen() && !target.isOpen()) {
                return;
            }
            counters.targetFailures.increment();
            targetFailed = true;
            String more = targetWarnings.admit();
            if (more != null) {
                LOG.warn(
                        "connection {} from {}: {}; closing it{}",
                        number,
                        peer(),
                        Failures.describe(config.target().toString(), cause),
                        more);
            }
            target.close();
            client.close();
        }

        private void start() {
            started = true;
            counters.joinedConnections.increment();
            LOG.debug(
                    "connection {} opened: {} -> {} | {} -> {}",
                    number,
                    peer(),
                    client.localAddress(),
                    target.localAddress(),
                    target.remoteAddress());
            listener.connectionOpened(number, client.remoteAddress(), target.remoteAddress());
            faults.attachStream(number, client, target);
            upstream.start();
            downstream.start();
        }

        /** The client as a log line names it: its address, or for an unnamed Unix socket, the relay's endpoint. */
        String peer() {
            Object address = client.remoteAddress();
            String text = address == null ? "" : address.toString();
            return text.isEmpty() || text.endsWith("[]") || text.endsWith(":")
                    ? "a client of " + config.listen()
                    : text;
        }

        /** The writer's side: {@code downstream}'s channel for upstream data, and the other way. */
        Channel to(Direction direction) {
            return direction == Direction.UPSTREAM ? target : client;
        }

        Channel from(Direction direction) {
            return direction == Direction.UPSTREAM ? client : target;
        }

        Side reader(Direction direction) {
            return direction == Direction.UPSTREAM ? upstream : downstream;
        }

        /** Both directions have ended (each EOF passed on): nothing more can flow, so both channels close. */
        void endedOneWay() {
            if (upstream.endPassed && downstream.endPassed) {
                client.close();
                target.close();
            }
        }

        private void closed() {
            connections.remove(client);
            counters.openConnections.decrement();
            if (started) {
                LOG.debug("connection {} closed: {} bytes up, {} bytes down", number, upstream.bytes, downstream.bytes);
                listener.connectionClosed(number, upstream.bytes, downstream.bytes, end());
            } else {
                // Never joined: the target failed, or the client left (or the relay stopped) before it answered.
                listener.connectionClosed(number, 0, 0, targetFailed ? "target_failed" : "closed");
            }
        }

        /** How the connection ended, in {@link RelayListener#connectionClosed}'s words. */
        private String end() {
            if (client.hasAttr(Side.RESET) || (target != null && target.hasAttr(Side.RESET))) {
                return "reset";
            }
            return failed ? "failed" : "closed";
        }
    }
}
