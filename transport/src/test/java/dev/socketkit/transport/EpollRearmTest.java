package dev.socketkit.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The epoll transport's event loop still lets a write wait for room after the peer's FIN, once the socket waited for
 * nothing in between (Netty 4.2.18 had taken it out of epoll by then, and the write failed: {@code epoll_ctl MOD}
 * ENOENT).
 */
class EpollRearmTest {
    /** Larger than what the socket buffers of either kind hold here, so the answer must wait for the client. */
    private static final int ANSWER = 1 << 20;
    /** The smallest buffers Linux grants (it doubles the value and has a floor), so a TCP answer waits too. */
    private static final int SMALL_BUFFER = 4096;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = SocketKind.class,
            names = {"UNIX", "TCP"})
    void answersInFullAfterTheClientsEndOnceTheSocketWaitedForNothing(SocketKind kind) throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available here");
        byte[] answer = new byte[ANSWER];
        new Random(0x5eed_0014L).nextBytes(answer);
        CountDownLatch attempted = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        EventLoopGroup group = Transport.EPOLL.newEventLoopGroup(1, "epoll-rearm-test");
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(Transport.EPOLL.serverChannelClass(kind))
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.SO_SNDBUF, SMALL_BUFFER)
                    .childHandler(new AnswerAfterTheEnd(answer, attempted, failed))
                    .bind(
                            kind == SocketKind.UNIX
                                    ? Transport.EPOLL.socketAddress(Endpoint.unix(
                                            dir.resolve("answer.sock").toString()))
                                    : new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            byte[] received = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (SocketChannel client = connect(kind, server)) {
                    client.shutdownOutput();
                    assertTrue(attempted.await(10, TimeUnit.SECONDS), "the server wrote its answer");
                    return readToTheEnd(client);
                }
            });
            assertNull(failed.get(), () -> "the answer's write failed: " + causes(failed.get()));
            assertArrayEquals(answer, received, "the whole answer, then the end of the stream");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    private SocketChannel connect(SocketKind kind, Channel server) throws Exception {
        if (kind == SocketKind.UNIX) {
            return SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("answer.sock")));
        }
        SocketChannel client = SocketChannel.open();
        client.setOption(StandardSocketOptions.SO_RCVBUF, SMALL_BUFFER);
        client.connect(server.localAddress());
        return client;
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(text.isEmpty() ? "" : " <- ").append(t);
        }
        return text.toString();
    }

    private static byte[] readToTheEnd(SocketChannel client) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (client.read(buffer) >= 0 && all.size() <= ANSWER) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return all.toByteArray();
    }

    /**
     * Answers once the input has ended, from a later task: by then Netty has handled the FIN, cleared every interest
     * and, in 4.2.18, taken the socket out of epoll; the answer fills the socket and must wait for room. The client
     * sends nothing but its end, so that the end of the data and the FIN come in one epoll event (EPOLLIN and
     * EPOLLRDHUP together) and the interests are all cleared before the task runs, every time.
     */
    private static final class AnswerAfterTheEnd extends ChannelInboundHandlerAdapter {
        private final byte[] answer;
        private final CountDownLatch attempted;
        private final AtomicReference<Throwable> failed;

        AnswerAfterTheEnd(byte[] answer, CountDownLatch attempted, AtomicReference<Throwable> failed) {
            this.answer = answer;
            this.attempted = attempted;
            this.failed = failed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt != ChannelInputShutdownReadComplete.INSTANCE) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            ctx.executor().execute(() -> {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(written -> {
                    if (written.isSuccess()) {
                        ((DuplexChannel) ctx.channel()).shutdownOutput();
                    } else {
                        failed.set(written.cause());
                        ctx.close();
                    }
                });
                attempted.countDown();
            });
        }
    }
}
