package dev.socketkit.server;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.StreamReads;
import dev.socketkit.transport.internal.UnixSocketFile;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A running socketkit server. Start one with {@link #start}; {@link #endpoint()} tells where it really listens, and
 * {@link #close()} stops it: no new connections, pending writes finished (up to the configured timeout), connections
 * closed, threads stopped, socket file removed. Closing twice is harmless.
 *
 * <p>Every connection is served independently on the event loop: a slow, faulty or hostile peer affects only its own
 * connection.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final ServerConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;
    private final Endpoint endpoint;
    private final UnixSocketFile socketFile;
    private final Set<Channel> connections;
    private final Counters counters;
    private final ExecutorService workers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Server(
            ServerConfig config,
            Transport transport,
            EventLoopGroup group,
            Channel channel,
            Endpoint endpoint,
            UnixSocketFile socketFile,
            Set<Channel> connections,
            Counters counters,
            ExecutorService workers) {
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.channel = channel;
        this.endpoint = endpoint;
        this.socketFile = socketFile;
        this.connections = connections;
        this.counters = counters;
        this.workers = workers;
    }

    /**
     * Binds a server as {@code config} says and starts serving; returns once it is listening.
     *
     * @param config what to serve, where, and how
     * @return the running server; close it to stop it
     * @throws IllegalArgumentException if the configuration cannot work anywhere (a transport without that kind of
     *     socket, a socket option that does not apply, a Unix path longer than the OS allows)
     * @throws IllegalStateException if the chosen transport is not available on this machine
     * @throws ServerException if binding fails (address in use, permission denied, a socket file in the way)
     */
    public static Server start(ServerConfig config) {
        config.validate();
        Endpoint requested = config.endpoint();
        SocketKind kind = requested.kind();
        Transport transport = config.io().select(kind);
        for (SocketSetting setting : config.socketOptions()) {
            setting.checkApplies(kind, transport);
        }
        Endpoint bindTo = requested;
        if (kind.isUnix()) {
            UnixSocketFile.checkPathLength(requested, transport);
            bindTo = unixBindEndpoint(config, transport);
            try {
                UnixSocketFile.prepareForBind(Path.of(requested.path()));
                if (bindTo != requested) {
                    UnixSocketFile.prepareForBind(Path.of(bindTo.path()));
                }
            } catch (IOException e) {
                throw new ServerException(describeBindFailure(requested, e), e);
            }
        } else if (requested.inetSocketAddress().isUnresolved()) {
            throw new ServerException("cannot resolve host '" + requested.host() + "' of " + requested, null);
        }

        int threads = kind.isStream() ? config.threads() : 1;
        EventLoopGroup group = transport.newEventLoopGroup(threads, "socketkit-server");
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        Counters counters = new Counters();
        ServerHandler handler = config.handler().orElseGet(() -> config.kind().handlerFactory(config));
        ExecutorService workers = handler instanceof BlockingHandler ? Workers.newExecutor() : null;
        Handlers handlers = new Handlers(config, handler, workers, counters);
        try {
            AbstractBootstrap<?, ?> bootstrap = kind.isStream()
                    ? streamBootstrap(config, transport, group, connections, handlers)
                    : datagramBootstrap(config, transport, group, handlers);
            ChannelFuture bound =
                    bootstrap.bind(transport.socketAddress(bindTo)).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw new ServerException(describeBindFailure(requested, bound.cause()), bound.cause());
            }
            Channel channel = bound.channel();
            if (bindTo != requested) {
                publish(channel, bindTo, requested, config.unixMode().getAsInt());
            }
            Endpoint actual = kind.isUnix() ? requested : Endpoint.of(kind, (InetSocketAddress) channel.localAddress());
            UnixSocketFile socketFile = kind.isUnix() ? UnixSocketFile.bound(Path.of(requested.path())) : null;
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} server on {} via {}: framing {}, options {}",
                        config.describeHandler(),
                        actual,
                        transport.id(),
                        config.framing(),
                        options(channel));
            }
            if (!config.isLocalOnly()) {
                LOG.info("{} is reachable from other hosts; guards: {}", actual, config.describeGuards());
            }
            return new Server(config, transport, group, channel, actual, socketFile, connections, counters, workers);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            if (workers != null) {
                workers.shutdownNow();
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ServerException(describeBindFailure(requested, e), e);
        }
    }

    /**
     * Where a Unix server binds: its path, or with a {@linkplain ServerConfig#unixMode() mode} a temporary name beside
     * it that {@link #publish} renames once the mode is set.
     */
    private static Endpoint unixBindEndpoint(ServerConfig config, Transport transport) {
        Endpoint requested = config.endpoint();
        if (config.unixMode().isEmpty()) {
            return requested;
        }
        String temporary =
                UnixSocketFile.temporaryFor(Path.of(requested.path())).toString();
        Endpoint bindTo = requested.kind() == SocketKind.UNIX ? Endpoint.unix(temporary) : Endpoint.unixgram(temporary);
        try {
            UnixSocketFile.checkPathLength(bindTo, transport);
        } catch (IllegalArgumentException tooLong) {
            int extra = bindTo.pathLengthInBytes() - requested.pathLengthInBytes();
            throw new IllegalArgumentException("with a socket file mode the server binds first to " + temporary + ", "
                    + extra + " bytes longer than " + requested.path() + ": " + tooLong.getMessage());
        }
        return bindTo;
    }

    /** Sets the socket file's mode at its temporary name, then renames it over the real path. */
    private static void publish(Channel channel, Endpoint temporary, Endpoint requested, int mode) {
        try {
            UnixSocketFile.publish(Path.of(temporary.path()), Path.of(requested.path()), mode);
        } catch (IOException e) {
            channel.close().awaitUninterruptibly();
            throw new ServerException(
                    "cannot give " + requested + " mode " + Integer.toOctalString(mode) + ": " + e.getMessage(), e);
        }
    }

    private static ServerBootstrap streamBootstrap(
            ServerConfig config,
            Transport transport,
            EventLoopGroup group,
            Set<Channel> connections,
            Handlers handlers) {
        SocketKind kind = config.endpoint().kind();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass(kind))
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(config.bufferSize()))
                .handler(new AcceptGuard(config.endpoint(), handlers.guards, connections::size))
                .childHandler(new StreamInitializer(connections, handlers));
        if (supportsHalfClosure(transport, kind)) {
            // Half-closure keeps the connection writable after the peer's EOF, so replies still go out.
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        } else {
            LOG.warn(
                    "{} cannot half-close {} connections (a Netty limitation): a client's EOF closes its connection "
                            + "at once, possibly before every answer is written; --io epoll can",
                    transport.id(),
                    kind.scheme());
        }
        for (SocketSetting setting : config.socketOptions()) {
            if (setting.onListeningSocket()) {
                bootstrap.option(untyped(setting.option()), setting.value());
            } else {
                bootstrap.childOption(untyped(setting.option()), setting.value());
            }
        }
        return bootstrap;
    }

    private static Bootstrap datagramBootstrap(
            ServerConfig config, Transport transport, EventLoopGroup group, Handlers handlers) {
        SocketKind kind = config.endpoint().kind();
        int readSize = config.bufferSize() == ServerConfig.AUTO_BUFFER_SIZE
                ? DatagramLimits.maxDatagram(kind)
                : config.bufferSize();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.channelClass(kind))
                // Netty reads datagrams into 2,048 bytes and truncates silently; take any datagram whole, or cut
                // it at --buffer-size exactly as recvfrom(N) would.
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(readSize))
                // Answers that find the socket full are dropped (DatagramGuard), never queued without bound; the
                // marks leave room for a batch of the largest answers, so a batch is not cut before it is flushed.
                .option(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(
                                2 * DatagramLimits.maxDatagram(kind), 4 * DatagramLimits.maxDatagram(kind)))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        pipeline.addLast(handlers.bytes, new DatagramGuard(config, handlers.guards, handlers.counters));
                        if (LOG.isDebugEnabled()) {
                            pipeline.addLast(MessageLogHandler.INSTANCE);
                        }
                        pipeline.addLast(handlers.newHandler());
                        pipeline.addLast(handlers.datagramFailures);
                    }
                });
        for (SocketSetting setting : config.socketOptions()) {
            bootstrap.option(untyped(setting.option()), setting.value());
        }
        return bootstrap;
    }

    /** The channel's options for a DEBUG line; Netty 4.2.18's io_uring Unix server channel throws reading them. */
    private static Object options(Channel channel) {
        try {
            return channel.config().getOptions();
        } catch (RuntimeException unreadable) {
            return "(unreadable: " + unreadable + ")";
        }
    }

    /**
     * Whether the transport's connected channels of this kind honour {@code ALLOW_HALF_CLOSURE}. Netty 4.2.18's NIO and
     * io_uring Unix stream channels look for it only on TCP configurations, so a client's EOF closes the connection at
     * once, possibly before pending answers are written.
     */
    static boolean supportsHalfClosure(Transport transport, SocketKind kind) {
        return kind == SocketKind.TCP || (transport != Transport.NIO && transport != Transport.IO_URING);
    }

    /**
     * Admits, counts and remembers each accepted connection, then builds its pipeline ({@link
     * Handlers#addStreamHandlers}). Package-private so that tests can build a connection exactly as a server does.
     */
    static final class StreamInitializer extends ChannelInitializer<Channel> {
        private final Set<Channel> connections;
        private final Handlers handlers;

        StreamInitializer(Set<Channel> connections, Handlers handlers) {
            this.connections = connections;
            this.handlers = handlers;
        }

        @Override
        protected void initChannel(Channel ch) {
            if (!handlers.limit.admit(ch)) {
                return;
            }
            handlers.connection.opened(ch, connections, handlers.limit);
            handlers.addStreamHandlers(ch.pipeline());
        }
    }

    /**
     * The handlers a server shares among its channels, and where each channel's own handler comes from. Package-private
     * so that the benchmarks measure the very pipeline a server installs.
     */
    static final class Handlers {
        final ServerConfig config;
        final ServerHandler handler;
        final ExecutorService workers;
        final Counters counters;
        final TrafficCounter bytes;
        final TrafficCounter frames;
        final TrafficCounter bytesAndFrames;
        final ConnectionHandler connection;
        final DatagramFailures datagramFailures;
        final GuardLog guards;
        final ConnectionLimit limit;
        private final boolean deadlines;

        /** {@code workers} runs blocking handlers; it may be null when {@code handler} is a {@link HandlerFactory}. */
        Handlers(ServerConfig config, ServerHandler handler, ExecutorService workers, Counters counters) {
            this.config = config;
            this.handler = handler;
            this.workers = workers;
            this.counters = counters;
            this.bytes = TrafficCounter.bytes(counters);
            this.frames = TrafficCounter.frames(counters);
            this.bytesAndFrames = TrafficCounter.bytesAndFrames(counters);
            this.guards = new GuardLog(counters);
            this.connection =
                    new ConnectionHandler(config.framing().maxFrameLength(), counters, config.listener(), guards);
            this.datagramFailures = new DatagramFailures(counters, config.listener(), guards);
            this.limit = new ConnectionLimit(config.maxConnections(), guards);
            this.deadlines = ConnectionDeadlines.anyIn(config);
        }

        /**
         * Adds a stream connection's handlers, in order: byte counter, deadlines (unless every timeout is off), frame
         * codec, frame counter (one counter of both when the framing is raw and has no codec), message log (DEBUG
         * only), the server's handler, and the connection handler.
         */
        void addStreamHandlers(ChannelPipeline pipeline) {
            boolean raw = config.framing().kind() == Framing.Kind.RAW;
            pipeline.addLast(raw ? bytesAndFrames : bytes);
            if (deadlines) {
                pipeline.addLast(new ConnectionDeadlines(config, guards));
            }
            if (!raw) {
                config.framing().addTo(pipeline);
                pipeline.addLast(frames);
            }
            if (LOG.isDebugEnabled()) {
                pipeline.addLast(MessageLogHandler.INSTANCE);
            }
            pipeline.addLast(newHandler());
            pipeline.addLast(connection);
        }

        /** The server's handler for one new connection, or for the datagram socket. */
        ChannelHandler newHandler() {
            Endpoint endpoint = config.endpoint();
            if (handler instanceof BlockingHandler blocking) {
                return endpoint.kind().isDatagram()
                        ? new BlockingDatagramBridge(blocking, workers, endpoint, counters, config.listener(), guards)
                        : new BlockingStreamBridge(blocking, workers, endpoint, counters, config.listener());
            }
            ChannelHandler made = ((HandlerFactory) handler).newHandler();
            if (made == null) {
                throw new IllegalStateException("the handler factory returned null");
            }
            return made;
        }
    }

    /** {@return where the server listens: the requested endpoint, with the real port when port 0 was asked for} */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@return the transport the server runs on} */
    public Transport transport() {
        return transport;
    }

    /** {@return the configuration the server was started with} */
    public ServerConfig config() {
        return config;
    }

    /** {@return a snapshot of the server's counters: connections, bytes, frames, dropped datagrams, failures} */
    public ServerStats stats() {
        return counters.snapshot(connections.size());
    }

    /** {@return the number of connections open now (always 0 for datagram servers)} */
    public int openConnections() {
        return connections.size();
    }

    /** {@return whether {@link #close()} has been called} */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Blocks until the server is closed, by {@link #close()} from another thread or by its socket failing.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitClose() throws InterruptedException {
        channel.closeFuture().await();
    }

    /**
     * Stops the server: stops accepting, lets pending writes finish for up to the configured shutdown timeout, closes
     * every connection and the event loops, and removes the socket file of a Unix server. Returns when all is done.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        if (endpoint.kind().isDatagram()) {
            channel.flush();
        }
        channel.close().awaitUninterruptibly(remainingMillis(deadline));
        for (Channel connection : connections) {
            connection.config().setAutoRead(false);
            ConnectionHandler.closeAfterPendingWrites(connection);
        }
        for (Channel connection : connections) {
            if (!connection.closeFuture().awaitUninterruptibly(remainingMillis(deadline))) {
                break;
            }
        }
        if (workers != null) {
            // Closed connections have ended every handler's input; give the handlers what is left of the deadline.
            workers.shutdown();
            try {
                if (!workers.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        // Quiet period 0: the default 2 s would add two seconds to every stop for nothing.
        group.shutdownGracefully(0, Math.max(remainingMillis(deadline), 100), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(Duration.ofSeconds(5).toMillis());
        if (socketFile != null) {
            socketFile.delete();
        }
        LOG.debug("stopped {}", endpoint);
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** One line for a user: what could not be bound, and why, in words rather than errno names. */
    static String describeBindFailure(Endpoint endpoint, Throwable failure) {
        if (failure instanceof NoSuchFileException missing) {
            return "cannot listen on " + endpoint + ": directory " + missing.getFile() + " does not exist";
        }
        String message = rootMessage(failure);
        if (message.contains("Address already in use")) {
            return "address already in use: " + endpoint;
        }
        if (message.contains("Permission denied") || message.contains("Access denied")) {
            if (!endpoint.kind().isUnix() && endpoint.port() > 0 && endpoint.port() < 1024) {
                return "permission denied binding " + endpoint + ": ports below 1024 need root or the "
                        + "CAP_NET_BIND_SERVICE capability (net.ipv4.ip_unprivileged_port_start)";
            }
            if (endpoint.kind().isUnix()) {
                Path parent = Path.of(endpoint.path()).toAbsolutePath().getParent();
                return "permission denied creating " + endpoint + ": no write access to directory " + parent;
            }
            return "permission denied binding " + endpoint;
        }
        if (message.contains("Cannot assign requested address")) {
            return "cannot listen on " + endpoint + ": " + endpoint.host() + " is not an address of this machine";
        }
        if (message.contains("No such file or directory")) {
            Path parent = Path.of(endpoint.path()).toAbsolutePath().getParent();
            return "cannot listen on " + endpoint + ": directory " + parent + " does not exist";
        }
        return "cannot listen on " + endpoint + ": " + message;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @SuppressWarnings("unchecked")
    private static ChannelOption<Object> untyped(ChannelOption<?> option) {
        return (ChannelOption<Object>) option;
    }

    @Override
    public String toString() {
        return config.describeHandler() + " server on " + endpoint + " (" + transport.id() + ")";
    }
}
