package dev.socketkit.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueDomainDatagramChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A Netty I/O transport: its event loop and the channel class it uses for each {@link SocketKind}.
 *
 * <p>The native transports are in this table once each, so the server, the client and the tests all agree on which
 * channel goes with which event loop. NIO runs everywhere; epoll and io_uring need Linux, kqueue needs macOS or BSD;
 * Unix-domain datagram sockets exist only on epoll and kqueue (the JDK has no AF_UNIX datagram channel, and Netty's
 * io_uring transport has none either).
 */
public enum Transport {
    /** The JDK's selector-based transport: every platform, every socket kind but Unix datagram. */
    NIO(
            () -> true,
            () -> Optional.empty(),
            NioIoHandler::newFactory,
            new Channels(
                    NioServerSocketChannel.class,
                    NioSocketChannel.class,
                    NioDatagramChannel.class,
                    NioServerDomainSocketChannel.class,
                    NioDomainSocketChannel.class,
                    null)),
    /**
     * Linux epoll: every socket kind. Its event loop re-arms a socket that Netty 4.2.18 took out of epoll once it
     * waited for nothing, so that a write after the peer's FIN can still wait for room (see {@code EpollRearm}).
     */
    EPOLL(
            Epoll::isAvailable,
            () -> Optional.ofNullable(Epoll.unavailabilityCause()),
            EpollRearm::newFactory,
            new Channels(
                    EpollServerSocketChannel.class,
                    EpollSocketChannel.class,
                    EpollDatagramChannel.class,
                    EpollServerDomainSocketChannel.class,
                    EpollDomainSocketChannel.class,
                    EpollDomainDatagramChannel.class)),
    /** Linux io_uring (kernel 5.9 or later): every socket kind but Unix datagram. */
    IO_URING(
            IoUring::isAvailable,
            () -> Optional.ofNullable(IoUring.unavailabilityCause()),
            IoUringIoHandler::newFactory,
            new Channels(
                    IoUringServerSocketChannel.class,
                    IoUringSocketChannel.class,
                    IoUringDatagramChannel.class,
                    IoUringServerDomainSocketChannel.class,
                    IoUringDomainSocketChannel.class,
                    null)),
    /** BSD and macOS kqueue: every socket kind. */
    KQUEUE(
            KQueue::isAvailable,
            () -> Optional.ofNullable(KQueue.unavailabilityCause()),
            KQueueIoHandler::newFactory,
            new Channels(
                    KQueueServerSocketChannel.class,
                    KQueueSocketChannel.class,
                    KQueueDatagramChannel.class,
                    KQueueServerDomainSocketChannel.class,
                    KQueueDomainSocketChannel.class,
                    KQueueDomainDatagramChannel.class));

    private final BooleanSupplier available;
    private final Supplier<Optional<Throwable>> unavailabilityCause;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Channels channels;

    Transport(
            BooleanSupplier available,
            Supplier<Optional<Throwable>> unavailabilityCause,
            Supplier<IoHandlerFactory> ioHandlerFactory,
            Channels channels) {
        this.available = available;
        this.unavailabilityCause = unavailabilityCause;
        this.ioHandlerFactory = ioHandlerFactory;
        this.channels = channels;
    }

    /**
     * {@return the name users type after {@code --io}: {@code nio}, {@code epoll}, {@code io_uring}, {@code kqueue}}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return whether this transport's native library loaded on this machine} */
    public boolean isAvailable() {
        return available.getAsBoolean();
    }

    /** {@return why this transport is not available here, if it is not} */
    public Optional<Throwable> unavailabilityCause() {
        return isAvailable() ? Optional.empty() : unavailabilityCause.get();
    }

    /**
     * {@return whether this transport has channels for {@code kind} at all (on any machine)}
     *
     * @param kind the kind of socket
     */
    public boolean supports(SocketKind kind) {
        return kind != SocketKind.UNIXGRAM || channels.unixDatagram != null;
    }

    /**
     * A new event-loop group of {@code threads} daemon threads named after {@code name} and this transport, such as
     * {@code socketkit-server-epoll-1-1}.
     *
     * @param threads the number of event-loop threads; 0 for Netty's default (twice the cores)
     * @param name the start of the threads' names
     * @return the group; the caller shuts it down
     * @throws IllegalStateException if this transport is not available
     */
    public EventLoopGroup newEventLoopGroup(int threads, String name) {
        if (!isAvailable()) {
            throw new IllegalStateException(id() + " is not available"
                    + unavailabilityCause().map(c -> ": " + c).orElse(""));
        }
        return new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory(name + "-" + id(), true), ioHandlerFactory.get());
    }

    /**
     * {@return the listening channel class for a stream kind}
     *
     * @param kind {@link SocketKind#TCP} or {@link SocketKind#UNIX}
     * @throws IllegalArgumentException for a datagram kind, or one this transport does not support
     */
    public Class<? extends ServerChannel> serverChannelClass(SocketKind kind) {
        requireSupported(kind);
        return switch (kind) {
            case TCP -> channels.tcpServer;
            case UNIX -> channels.unixServer;
            default -> throw new IllegalArgumentException(kind.scheme() + " sockets do not listen for connections");
        };
    }

    /**
     * The channel class for a connected stream socket, or for the single socket of a datagram kind (which serves and
     * sends alike).
     *
     * @param kind the kind of socket
     * @return the channel class
     * @throws IllegalArgumentException for a kind this transport does not support
     */
    public Class<? extends Channel> channelClass(SocketKind kind) {
        requireSupported(kind);
        return switch (kind) {
            case TCP -> channels.tcp;
            case UDP -> channels.udp;
            case UNIX -> channels.unix;
            case UNIXGRAM -> channels.unixDatagram;
        };
    }

    /**
     * The address object this transport's channels take for {@code endpoint}: an {@code InetSocketAddress} (resolving
     * the host) for TCP and UDP, and for Unix sockets the JDK's {@code UnixDomainSocketAddress} under NIO or Netty's
     * {@code DomainSocketAddress} under the native transports.
     *
     * @param endpoint where to bind or connect
     * @return the address for this transport's channels
     */
    public SocketAddress socketAddress(Endpoint endpoint) {
        if (!endpoint.kind().isUnix()) {
            return endpoint.inetSocketAddress();
        }
        return this == NIO ? UnixDomainSocketAddress.of(endpoint.path()) : new DomainSocketAddress(endpoint.path());
    }

    private void requireSupported(SocketKind kind) {
        if (!supports(kind)) {
            throw new IllegalArgumentException(id() + " has no " + kind.scheme() + " sockets");
        }
    }

    /** The channel classes of one transport; {@code unixDatagram} is null where the transport has none. */
    private record Channels(
            Class<? extends ServerChannel> tcpServer,
            Class<? extends Channel> tcp,
            Class<? extends Channel> udp,
            Class<? extends ServerChannel> unixServer,
            Class<? extends Channel> unix,
            Class<? extends Channel> unixDatagram) {}
}
