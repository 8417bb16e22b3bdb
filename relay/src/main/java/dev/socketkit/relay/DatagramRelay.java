package dev.socketkit.relay;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.DatagramReads;
import dev.socketkit.transport.internal.DirectDatagrams;
import dev.socketkit.transport.internal.Failures;
import dev.socketkit.transport.internal.HexDump;
import dev.socketkit.transport.internal.LogThrottle;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The datagram half of the relay: one listening socket, and per client address a session with an upstream socket of
 * its own, so that the target's answers come back to that socket alone and go to that client
 * from the listening socket. Everything runs on the listening socket's one event loop, so the table needs no lock.
 *
 * <p>The table is bounded ({@link RelayConfig#maxSessions()}) and refuses new client addresses while full, rather than
 * evicting the least recently used: a flood of datagrams from forged source addresses would otherwise evict every real
 * client's session in turn (its upstream port changes, and the target loses it), while refusing keeps the sessions
 * that exist working, and bounds memory and file descriptors either way. The forged sessions, which never answer, end
 * at their idle timeout and make room again. Each refusal is counted, with one WARN line a second at most.
 */
final class DatagramRelay {
    private static final Logger LOG = LogManager.getLogger(Relay.class);
    /**
     * Datagrams a session holds while its upstream socket is being bound; more are dropped. The bind completes after the
     * read batch that opened the session, so this holds a whole batch and a duplicate of each (the duplicate fault);
     * each small one holds its own size ({@link DatagramReads#RIGHT_SIZE}), not its read buffer.
     */
    private static final int PENDING_LIMIT = 2 * DatagramReads.READS_PER_BATCH;

    private final RelayConfig config;
    private final Transport transport;
    private final Counters counters;
    private final FaultHook faults;
    private final RelayListener listener;
    private final Map<SocketAddress, Session> sessions = new HashMap<>();
    private final LogThrottle refusedWarnings = new LogThrottle();
    private final LogThrottle targetWarnings = new LogThrottle();
    private Channel listen;
    /** {@code --hexdump}'s wiretap, the same sharable one on every socket; null without it. */
    private final HexDump hexDump;

    DatagramRelay(
            RelayConfig config, Transport transport, Counters counters, FaultHook faults, RelayListener listener) {
        this.config = config;
        this.listener = listener;
        this.transport = transport;
        this.counters = counters;
        this.faults = faults;
        this.hexDump = config.hexDump().map(HexDump::new).orElse(null);
    }

    /** The listening socket's bootstrap, reading whole datagrams of the listen kind. */
    Bootstrap bootstrap(EventLoopGroup group) {
        SocketKind kind = config.listen().kind();
        return datagramBootstrap(kind).group(group).handler(tapped(new Listener()));
    }

    /**
     * {@code handler}, behind {@code --hexdump}'s wiretap when there is one, so every datagram either way is dumped, and
     * first {@link DatagramReads#RIGHT_SIZE}: a datagram held (a session still binding, a fault's delay) holds its own
     * size, not the read buffer's.
     */
    private ChannelHandler tapped(ChannelHandler handler) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(DatagramReads.RIGHT_SIZE);
                if (hexDump != null) {
                    channel.pipeline().addLast(hexDump);
                }
                channel.pipeline().addLast(handler);
            }
        };
    }

    private Bootstrap datagramBootstrap(SocketKind kind) {
        int readSize = config.bufferSize() == 0 ? DatagramLimits.maxDatagram(kind) : config.bufferSize();
        Bootstrap bootstrap = Bootstraps.datagramReads(new Bootstrap(), readSize);
        if (transport == Transport.NIO && kind == SocketKind.UDP) {
            // So that an empty datagram, which NioDatagramChannel skips, can go through its JDK channel.
            ChannelFactory<NioDatagramChannel> factory = DirectDatagrams::newNioChannel;
            bootstrap.channelFactory(factory);
        } else {
            bootstrap.channel(transport.channelClass(kind));
        }
        return Bootstraps.applyOptions(bootstrap, config.socketOptions());
    }

    /** Ends every session; on the event loop, as the relay stops. */
    void closeAll() {
        for (Session session : new ArrayList<>(sessions.values())) {
            session.close("closed");
        }
    }

    /** Sends {@code data} to {@code recipient} through {@code channel} at once, or drops it; takes ownership. */
    private void send(Channel channel, SocketAddress recipient, ByteBuf data) {
        try {
            if (recipient instanceof DomainSocketAddress peer && DirectDatagrams.queuesBlockedUnixDatagrams(channel)) {
                // At once or not at all: a Unix peer that does not read must not hold the others' datagrams.
                if (!DirectDatagrams.sendUnix(channel, peer, data)) {
                    counters.datagramsDropped.increment();
                }
                data.release();
                return;
            }
            if (!data.isReadable()
                    && recipient instanceof InetSocketAddress peer
                    && DirectDatagrams.skippedBy(channel)) {
                data.release();
                channel.flush();
                DirectDatagrams.send(channel, peer);
                return;
            }
        } catch (IOException e) {
            counters.datagramsDropped.increment();
            LOG.debug("cannot send a datagram to {}: {}", recipient, e.toString());
            return;
        }
        if (!channel.isWritable()) {
            // The socket's buffer is full: a datagram dropped here is as one lost on the way, never queued unbounded.
            counters.datagramsDropped.increment();
            data.release();
            return;
        }
        Object packet = recipient instanceof DomainSocketAddress peer
                ? new DomainDatagramPacket(data, peer)
                : new DatagramPacket(data, (InetSocketAddress) recipient);
        channel.writeAndFlush(packet).addListener(done -> {
            if (!done.isSuccess()) {
                counters.datagramsDropped.increment();
            }
        });
    }

    /** Reads the listening socket: each datagram goes to its sender's session, opened on the first one. */
    private final class Listener extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            listen = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf data)) {
                    return;
                }
                SocketAddress sender = datagram.sender();
                if (sender == null
                        || (sender instanceof DomainSocketAddress unix
                                && unix.path().isEmpty())) {
                    // An unbound Unix socket has no address to answer; nothing can come back to it.
                    counters.datagramsDropped.increment();
                    return;
                }
                Session session = sessions.get(sender);
                if (session == null) {
                    if (sessions.size() >= config.maxSessions()) {
                        counters.sessionsRefused.increment();
                        String more = refusedWarnings.admit();
                        if (more != null) {
                            LOG.warn(
                                    "dropped a datagram from {}: the session table is full ({} client addresses);"
                                            + " new ones are refused until a session is idle for {}{}",
                                    sender,
                                    config.maxSessions(),
                                    config.sessionIdleTimeout(),
                                    more);
                        }
                        return;
                    }
                    session = new Session(sender, ctx.channel().eventLoop());
                }
                counters.datagramsUpstream.increment();
                counters.bytes(Direction.UPSTREAM, data.readableBytes());
                session.datagramsUp++;
                session.bytesUp += data.readableBytes();
                session.touch();
                session.faults.forward(
                        Direction.UPSTREAM, data.retain(), ctx.channel().eventLoop(), session::sendUp);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // One bad datagram (a send the kernel refused) must not stop the relay for everyone.
            LOG.debug("listening socket {}: {}", config.listen(), cause.toString());
        }
    }

    /** One client address: its upstream socket, its faults, its idle deadline. */
    private final class Session extends ChannelInboundHandlerAdapter {
        final long number;
        final SocketAddress client;
        final EventLoop loop;
        final DatagramFaults faults;
        final Path bindPath;
        final SocketAddress targetAddress;
        final Channel upstream;
        final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
        boolean bound;
        boolean closed;
        long lastActive;
        long datagramsUp;
        long datagramsDown;
        long bytesUp;
        long bytesDown;

        Session(SocketAddress client, EventLoop loop) {
            this.number = counters.sessions.incrementAndGet();
            this.client = client;
            this.loop = loop;
            listener.sessionOpened(number, client); // before its faults, which report that they apply
            this.faults = DatagramRelay.this.faults.attachDatagram(number);
            sessions.put(client, this);
            counters.openSessions.increment();
            Endpoint target = config.target();
            this.targetAddress = transport.socketAddress(target);
            // Bound, not connected: a connected epoll socket reads with recv(), which cannot tell an empty datagram
            // from none, so the target's empty answers would be lost. Datagrams from anyone but the target are dropped.
            this.bindPath = Bootstraps.clientBindPath(target.kind()).orElse(null);
            SocketAddress local = bindPath != null
                    ? transport.socketAddress(Endpoint.unixgram(bindPath.toString()))
                    : new InetSocketAddress(
                            target.inetSocketAddress().getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0);
            var binding = datagramBootstrap(target.kind())
                    .group(loop)
                    .handler(tapped(this))
                    .bind(local);
            upstream = binding.channel();
            binding.addListener(done -> {
                if (!done.isSuccess()) {
                    counters.targetFailures.increment();
                    String more = targetWarnings.admit();
                    if (more != null) {
                        LOG.warn(
                                "datagram session {} from {}: cannot open a socket toward {}: {}{}",
                                number,
                                client,
                                target,
                                Failures.describeResourceOrRoot(done.cause()),
                                more);
                    }
                    close("target_failed");
                    return;
                }
                bound = true;
                LOG.debug(
                        "datagram session {} opened: {} -> {} | {} -> {}",
                        number,
                        client,
                        config.listen(),
                        upstream.localAddress(),
                        target);
                while (!pending.isEmpty() && !closed) {
                    sendUp(pending.poll());
                }
            });
            scheduleExpiry(config.sessionIdleTimeout().toNanos());
        }

        void touch() {
            lastActive = System.nanoTime();
        }

        private void scheduleExpiry(long delayNanos) {
            loop.schedule(
                    () -> {
                        if (closed) {
                            return;
                        }
                        long idle = System.nanoTime() - lastActive;
                        long limit = config.sessionIdleTimeout().toNanos();
                        if (idle >= limit) {
                            close("expired");
                        } else {
                            scheduleExpiry(limit - idle);
                        }
                    },
                    delayNanos,
                    TimeUnit.NANOSECONDS);
        }

        /** Sends one datagram to the target through this session's own socket. */
        void sendUp(ByteBuf data) {
            if (closed) {
                data.release();
                return;
            }
            if (!bound) {
                if (pending.size() >= PENDING_LIMIT) {
                    counters.datagramsDropped.increment();
                    data.release();
                } else {
                    pending.add(data);
                }
                return;
            }
            send(upstream, targetAddress, data);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                ByteBuf data =
                        msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf content
                                ? content
                                : msg instanceof ByteBuf buf ? buf : null;
                if (data == null || closed) {
                    return;
                }
                touch();
                counters.datagramsDownstream.increment();
                counters.bytes(Direction.DOWNSTREAM, data.readableBytes());
                datagramsDown++;
                bytesDown += data.readableBytes();
                faults.forward(Direction.DOWNSTREAM, data.retain(), loop, this::sendDown);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private boolean fromTarget(SocketAddress sender) {
            if (sender instanceof DomainSocketAddress unix) {
                return unix.path().equals(config.target().path());
            }
            return sender instanceof InetSocketAddress ip
                    && targetAddress instanceof InetSocketAddress expected
                    && ip.getPort() == expected.getPort()
                    && ip.getAddress().equals(expected.getAddress());
        }

        private void sendDown(ByteBuf data) {
            if (closed || listen == null || !listen.isActive()) {
                data.release();
                return;
            }
            send(listen, client, data);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A send the kernel refused (the target's queue full, no such socket file): that datagram is lost.
            LOG.debug("datagram session {} from {}: {}", number, client, cause.toString());
        }

        /** @param end how it ended, in {@link RelayListener#sessionClosed}'s words */
        void close(String end) {
            if (closed) {
                return;
            }
            boolean expired = end.equals("expired");
            closed = true;
            sessions.remove(client);
            counters.openSessions.decrement();
            if (expired) {
                counters.sessionsExpired.increment();
            }
            var hits = faults.hits();
            faults.close();
            listener.sessionClosed(
                    number, new RelayListener.SessionTotals(datagramsUp, datagramsDown, bytesUp, bytesDown), end, hits);
            pending.forEach(ByteBuf::release);
            pending.clear();
            upstream.close().addListener(done -> deleteQuietly(bindPath));
            LOG.debug("datagram session {} from {} {}", number, client, end);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", path, e.toString());
        }
    }
}
