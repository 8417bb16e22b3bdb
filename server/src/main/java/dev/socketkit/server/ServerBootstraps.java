package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.DirectDatagrams;
import dev.socketkit.transport.internal.ServerTls;
import dev.socketkit.transport.internal.StreamReads;
import dev.socketkit.transport.internal.UnixSocketFile;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannelOption;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * How a server's socket is set up and bound: its bootstrap (options, read sizes, write marks, half-closure), the
 * temporary name a Unix socket with a mode is bound to, and the words for a bind that fails. Everything not particular
 * to servers comes from {@link Bootstraps}, which the client and the benchmark share.
 */
final class ServerBootstraps {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private ServerBootstraps() {}

    static ServerBootstrap stream(
            ServerConfig config,
            Transport transport,
            EventLoopGroup group,
            Set<Channel> connections,
            ServerInitializer initializer) {
        SocketKind kind = config.endpoint().kind();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass(kind))
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(config.bufferSize()))
                .handler(new AcceptGuard(config.endpoint(), initializer, connections::size))
                .childHandler(initializer.connections(connections));
        Bootstraps.acceptInBatches(bootstrap, transport);
        if (Bootstraps.supportsHalfClosure(transport, kind)) {
            // Half-closure keeps the connection writable after the peer's EOF, so replies still go out.
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        } else {
            LOG.warn(
                    "{} cannot half-close {} connections (a Netty limitation): a client's EOF closes its connection "
                            + "at once, possibly before every answer is written; --io epoll can",
                    transport.id(),
                    kind.scheme());
        }
        return Bootstraps.applyServerOptions(bootstrap, config.socketOptions());
    }

    static Bootstrap datagram(
            ServerConfig config, Transport transport, EventLoopGroup group, ServerInitializer initializer) {
        SocketKind kind = config.endpoint().kind();
        int readSize = config.bufferSize() == ServerConfig.AUTO_BUFFER_SIZE
                ? DatagramLimits.maxDatagram(kind)
                : config.bufferSize();
        Bootstrap bootstrap =
                Bootstraps.datagramReads(new Bootstrap(), readSize).group(group);
        if (transport == Transport.NIO && kind == SocketKind.UDP) {
            // So that an empty answer, which NioDatagramChannel skips, can go through its JDK channel.
            ChannelFactory<NioDatagramChannel> factory = DirectDatagrams::newNioChannel;
            bootstrap.channelFactory(factory);
        } else {
            bootstrap.channel(transport.channelClass(kind));
        }
        bootstrap
                // Answers that find the socket full are dropped (DatagramGuard), never queued without bound: what
                // waits unflushed stays within the marks, as a batch that passes the high one is flushed at once.
                .option(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(
                                2 * DatagramLimits.maxDatagram(kind), 4 * DatagramLimits.maxDatagram(kind)))
                .handler(initializer.datagrams());
        return Bootstraps.applyOptions(bootstrap, config.socketOptions());
    }

    /**
     * Checks, before anything is bound, that the transport can share one port among several listeners: Linux's {@code
     * SO_REUSEPORT} spreads connections and datagrams over the sockets that share a port, and Netty sets it on epoll and
     * io_uring sockets. On BSD and macOS (kqueue) the option lets sockets share a port without spreading the load, and
     * NIO does not set it.
     *
     * @throws IllegalArgumentException naming the transport and why, when there is more than one listener
     */
    static void checkListeners(ServerConfig config, Transport transport) {
        if (config.listeners() > 1 && transport != Transport.EPOLL && transport != Transport.IO_URING) {
            throw new IllegalArgumentException(config.listeners() + " listeners share one port through Linux's"
                    + " SO_REUSEPORT, which socketkit sets on epoll and io_uring only, not " + transport.id()
                    + (transport == Transport.KQUEUE ? " (where the option does not spread the load)" : ""));
        }
    }

    /** Binds one listener; with {@code shared}, with {@code SO_REUSEPORT}, so that others can bind the same port. */
    static ChannelFuture bind(AbstractBootstrap<?, ?> bootstrap, SocketAddress address, boolean shared) {
        if (shared) {
            bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
        }
        return bootstrap.bind(address).awaitUninterruptibly();
    }

    /**
     * The server's TLS state, made before binding so that a bad certificate or key stops the start: a self-signed
     * certificate is made now, for the host the server binds.
     *
     * @throws ServerException if the engine refuses the certificate or key, naming the cause
     */
    static ServerTls tls(ServerConfig config) {
        Endpoint endpoint = config.endpoint();
        try {
            return ServerTls.start(config.tls().orElseThrow(), endpoint.kind().isUnix() ? null : endpoint.host());
        } catch (SSLException e) {
            throw new ServerException("cannot serve TLS on " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where a Unix server binds: its path, or with a {@linkplain ServerConfig#unixMode() mode} a temporary name beside
     * it that {@link #publish} renames once the mode is set.
     */
    static Endpoint unixBindEndpoint(ServerConfig config, Transport transport) {
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
    static void publish(Channel channel, Endpoint temporary, Endpoint requested, int mode) {
        try {
            UnixSocketFile.publish(Path.of(temporary.path()), Path.of(requested.path()), mode);
        } catch (IOException e) {
            channel.close().awaitUninterruptibly();
            throw new ServerException(
                    "cannot give " + requested + " mode " + Integer.toOctalString(mode) + ": " + e.getMessage(), e);
        }
    }

    /** The channel's options for a DEBUG line; Netty 4.2.18's io_uring Unix server channel throws reading them. */
    static Object options(Channel channel) {
        try {
            return channel.config().getOptions();
        } catch (RuntimeException unreadable) {
            return "(unreadable: " + unreadable + ")";
        }
    }
}
