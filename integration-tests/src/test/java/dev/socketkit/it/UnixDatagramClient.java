package dev.socketkit.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDomainDatagramChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Unix datagram client. The JDK has no Unix datagram channel, so this one is Netty's, set up here by hand (epoll, or
 * kqueue off Linux) without any socketkit code. It binds a path of its own, since a server can only answer a sender
 * that has one, and queues a copy of every datagram it receives.
 */
final class UnixDatagramClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final DomainSocketAddress server;
    private final BlockingQueue<byte[]> received;

    private UnixDatagramClient(
            EventLoopGroup group, Channel channel, DomainSocketAddress server, BlockingQueue<byte[]> received) {
        this.group = group;
        this.channel = channel;
        this.server = server;
        this.received = received;
    }

    /** Binds a client at {@code path} that sends to {@code server}; skips the test without epoll or kqueue. */
    static UnixDatagramClient bind(Path path, Endpoint server) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        assumeTrue(epoll || KQueue.isAvailable(), "the unix datagram client needs epoll or kqueue");
        EventLoopGroup group =
                new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : KQueueIoHandler.newFactory());
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollDomainDatagramChannel.class : KQueueDomainDatagramChannel.class)
                    .handler(new Collector(received));
            Channel channel = bootstrap
                    .bind(new DomainSocketAddress(path.toString()))
                    .sync()
                    .channel();
            // Netty reads datagrams into 2,048 bytes by default; read anything this socket could have sent whole, and
            // one byte more, so that a reply too long shows as too long instead of cut.
            int readSize = Math.max(channel.config().getOption(ChannelOption.SO_SNDBUF), 65_536) + 1;
            channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(readSize));
            return new UnixDatagramClient(group, channel, new DomainSocketAddress(server.path()), received);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** This socket's send buffer, as the kernel reports it: a datagram may be at most this less 32 bytes on Linux. */
    int sendBufferSize() {
        return channel.config().getOption(ChannelOption.SO_SNDBUF);
    }

    /** Sends {@code bytes} as one datagram; fails with the OS's reason if the datagram is refused. */
    void send(byte[] bytes) throws IOException, InterruptedException {
        ChannelFuture sent = channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(bytes), server));
        if (!sent.await(StreamClient.PATIENCE.toMillis())) {
            throw new SocketTimeoutException("a " + bytes.length + "-byte datagram was not sent within "
                    + StreamClient.PATIENCE.toMillis() + " ms");
        }
        if (!sent.isSuccess()) {
            throw new IOException("could not send a " + bytes.length + "-byte datagram", sent.cause());
        }
    }

    /** The next datagram from the server; fails if none comes within the patience. */
    byte[] receive() throws InterruptedException, SocketTimeoutException {
        byte[] datagram = received.poll(StreamClient.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (datagram == null) {
            throw new SocketTimeoutException("no datagram within " + StreamClient.PATIENCE.toMillis() + " ms");
        }
        return datagram;
    }

    /** The next datagram from the server, or null if none comes within {@code millis}. */
    byte[] receiveWithin(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Copies each datagram into the client's queue; the base class releases the buffer. One per client. */
    private static final class Collector extends SimpleChannelInboundHandler<DomainDatagramPacket> {
        private final BlockingQueue<byte[]> received;

        Collector(BlockingQueue<byte[]> received) {
            this.received = received;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket datagram) {
            received.add(ByteBufUtil.getBytes(datagram.content()));
        }
    }
}
