package dev.socketkit.transport.internal;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.Transport;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one home of the details every socketkit bootstrap shares, whether a server's, a client's or the benchmark's: the
 * checks made before any socket is opened, socket options, how datagrams are read, the connect timeout, and the
 * temporary path a Unix datagram client binds. Callers keep only what is theirs: their handlers and their exceptions.
 */
public final class Bootstraps {
    private Bootstraps() {}

    /**
     * Picks the transport for {@code endpoint} and checks, without opening a socket, that it can work: every socket
     * option applies to this kind of socket on this transport, and a Unix path fits the OS's limit.
     *
     * @param io the transport choice ({@code --io})
     * @param endpoint where to bind or connect
     * @param options the socket options asked for
     * @return the transport to use
     * @throws IllegalArgumentException if the combination cannot work anywhere, in one line naming the value
     * @throws IllegalStateException if the chosen transport is not available on this machine
     */
    public static Transport select(Io io, Endpoint endpoint, List<SocketSetting> options) {
        SocketKind kind = endpoint.kind();
        Transport transport = io.select(kind);
        for (SocketSetting setting : options) {
            setting.checkApplies(kind, transport);
        }
        if (kind.isUnix()) {
            UnixSocketFile.checkPathLength(endpoint, transport);
        }
        return transport;
    }

    /** Why a connect to an endpoint cannot even start, in the words a user reads. */
    public enum Unreachable {
        /** A Unix endpoint's socket file does not exist. */
        NO_SUCH_SOCKET,
        /** An IP endpoint's host name does not resolve. */
        HOST_NOT_FOUND;

        /**
         * The line for a user.
         *
         * @param endpoint the endpoint that cannot be reached
         * @return {@code no such socket file: unix:///tmp/x} or {@code host not found: example.invalid}
         */
        public String describe(Endpoint endpoint) {
            return this == NO_SUCH_SOCKET ? "no such socket file: " + endpoint : "host not found: " + endpoint.host();
        }
    }

    /**
     * Checks before connecting that the socket file exists, or that the host name resolves.
     *
     * @param endpoint where a client will connect
     * @return why it cannot be reached, or empty if a connect may be tried
     */
    public static Optional<Unreachable> unreachable(Endpoint endpoint) {
        if (endpoint.kind().isUnix()) {
            return Files.exists(Path.of(endpoint.path())) ? Optional.empty() : Optional.of(Unreachable.NO_SUCH_SOCKET);
        }
        return endpoint.inetSocketAddress().isUnresolved() ? Optional.of(Unreachable.HOST_NOT_FOUND) : Optional.empty();
    }

    /**
     * Sets every socket option on {@code bootstrap}'s channels.
     *
     * @param bootstrap a client or datagram bootstrap
     * @param options the options, already {@linkplain #select checked}
     * @param <B> the bootstrap's type
     * @return {@code bootstrap}
     */
    public static <B extends AbstractBootstrap<B, ?>> B applyOptions(B bootstrap, List<SocketSetting> options) {
        for (SocketSetting setting : options) {
            bootstrap.option(untyped(setting.option()), setting.value());
        }
        return bootstrap;
    }

    /**
     * Sets every socket option on a stream server: options of the listening socket on it, the others on each accepted
     * connection.
     *
     * @param bootstrap a server bootstrap
     * @param options the options, already {@linkplain #select checked}
     * @return {@code bootstrap}
     */
    public static ServerBootstrap applyServerOptions(ServerBootstrap bootstrap, List<SocketSetting> options) {
        for (SocketSetting setting : options) {
            if (setting.onListeningSocket()) {
                bootstrap.option(untyped(setting.option()), setting.value());
            } else {
                bootstrap.childOption(untyped(setting.option()), setting.value());
            }
        }
        return bootstrap;
    }

    /** Connections accepted per readiness event of a listening socket at most: Netty's default for server channels. */
    public static final int ACCEPTS_PER_EVENT = 16;

    /**
     * Makes an epoll listening socket accept up to {@value #ACCEPTS_PER_EVENT} connections each time it is ready,
     * until {@code accept} finds none, for servers and the relay alike. Netty 4.2.18's epoll server channel takes one
     * per readiness event whatever its allocator's limit (it reads "maybe more" as "the last read filled what it
     * attempted", and an accept attempts 1 and returns a descriptor), so a burst of N connections costs N returns to
     * {@code epoll_wait}, each with the event loop's own round of tasks and timers. NIO's acceptor already takes up to
     * 16; the C floor takes all.
     *
     * @param bootstrap a stream server's bootstrap
     * @param transport its transport; other transports are left as they are
     * @return {@code bootstrap}
     */
    public static ServerBootstrap acceptInBatches(ServerBootstrap bootstrap, Transport transport) {
        if (transport == Transport.EPOLL) {
            ServerChannelRecvByteBufAllocator accepts = new ServerChannelRecvByteBufAllocator();
            accepts.maxMessagesPerRead(ACCEPTS_PER_EVENT);
            accepts.respectMaybeMoreData(false); // accept until EAGAIN (or the limit), as the floor does
            bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, accepts);
        }
        return bootstrap;
    }

    /**
     * Reads each datagram into exactly {@code readSize} bytes, a batch of {@value DatagramReads#READS_PER_BATCH} at most
     * each time the socket is ready ({@link DatagramReads}). Netty's default reads 2,048 bytes and truncates silently; a
     * size chosen here takes a datagram whole, or cuts it exactly as {@code recvfrom(readSize)} would.
     *
     * @param bootstrap a datagram bootstrap
     * @param readSize bytes per read, at least 1
     * @return {@code bootstrap}
     */
    public static Bootstrap datagramReads(Bootstrap bootstrap, int readSize) {
        return bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, DatagramReads.allocator(readSize));
    }

    /**
     * Gives a connect {@code timeout} to complete, capped at what the option can hold.
     *
     * @param bootstrap a client bootstrap
     * @param timeout how long a connect may take
     * @return {@code bootstrap}
     */
    public static Bootstrap connectTimeout(Bootstrap bootstrap, Duration timeout) {
        return bootstrap.option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    }

    /**
     * A new path in the temp directory for a Unix datagram client to bind: a server can only answer a socket that has a
     * name. The caller removes it when done.
     *
     * @return a path no socket uses yet
     */
    public static Path temporaryClientPath() {
        return Path.of(Endpoint.anyLocal(SocketKind.UNIXGRAM).path());
    }

    /**
     * The local address a client of {@code kind} binds before connecting: a {@linkplain #temporaryClientPath()
     * temporary path} for Unix datagram clients, none for the others.
     *
     * @param kind the client's socket kind
     * @return the path to bind and later remove, or empty
     */
    public static Optional<Path> clientBindPath(SocketKind kind) {
        return kind == SocketKind.UNIXGRAM ? Optional.of(temporaryClientPath()) : Optional.empty();
    }

    /**
     * Connects {@code bootstrap} to {@code remote}, from {@code localPath} when a Unix datagram client needs one.
     *
     * @param bootstrap the client bootstrap, with its handler set
     * @param remote the server's address, as {@link Transport#socketAddress} gives it
     * @param localPath the path to bind first, or null
     * @return the connect's future
     */
    public static ChannelFuture connect(Bootstrap bootstrap, SocketAddress remote, Path localPath) {
        return localPath == null
                ? bootstrap.connect(remote)
                : bootstrap.connect(remote, new DomainSocketAddress(localPath.toString()));
    }

    /**
     * Whether the transport's connected channels of this kind honour {@code ALLOW_HALF_CLOSURE}. Netty 4.2.18's NIO and
     * io_uring Unix stream channels look for it only on TCP configurations, so a peer's EOF closes the connection at
     * once, possibly before pending writes are done.
     *
     * @param transport the transport
     * @param kind a stream kind
     * @return whether a connection stays open for writing after the peer's EOF
     */
    public static boolean supportsHalfClosure(Transport transport, SocketKind kind) {
        return kind == SocketKind.TCP || (transport != Transport.NIO && transport != Transport.IO_URING);
    }

    @SuppressWarnings("unchecked")
    private static ChannelOption<Object> untyped(ChannelOption<?> option) {
        return (ChannelOption<Object>) option;
    }
}
