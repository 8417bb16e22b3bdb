package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stream read allocators: batches of 16 reads, adaptive or fixed sizes. */
@Timeout(60)
class StreamReadsTest {
    @TempDir
    Path dir;

    @Test
    void readsUpToSixteenTimesPerBatchWhateverTheSize() {
        for (int bufferSize : new int[] {0, 1, 4096}) {
            RecvByteBufAllocator allocator = StreamReads.allocator(bufferSize);
            assertEquals(
                    StreamReads.READS_PER_BATCH,
                    ((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead(),
                    "buffer size " + bufferSize);
        }
    }

    @Test
    void nettyLeavesAnAllocatorSetAsAnOptionAtOneReadPerBatch() {
        // Why StreamReads sets the batch itself; should Netty change this, the helper may go.
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator());
        assertEquals(
                1, ((MaxMessagesRecvByteBufAllocator) channel.config().getRecvByteBufAllocator()).maxMessagesPerRead());
        channel.finishAndReleaseAll();
    }

    @Test
    void aChannelGivenTheAllocatorKeepsItsBatchSize() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setOption(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(0));
        assertEquals(
                16,
                ((MaxMessagesRecvByteBufAllocator) channel.config().getRecvByteBufAllocator()).maxMessagesPerRead());
        channel.finishAndReleaseAll();
    }

    @Test
    void fixedSizeReadsTakeExactlyThatMany() {
        var handle = StreamReads.allocator(4096).newHandle();
        ByteBuf buffer = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        assertEquals(4096, buffer.capacity());
        buffer.release();
    }

    @Test
    void adaptiveReadsStartAt2048BytesAndTheHeadroom() {
        var handle = StreamReads.allocator(0).newHandle();
        assertEquals(2048 + StreamReads.HEADROOM, handle.guess());
        ByteBuf buffer = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        assertEquals(2048 + StreamReads.HEADROOM, buffer.capacity());
        buffer.release();
    }

    @Test
    void aLiveUnixConnectionOfEqualMessagesNeverFillsItsReadBuffer() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "no epoll transport here");
        Path path = dir.resolve("echo.sock");
        assertNoReadFillsItsBuffer(Transport.EPOLL, SocketKind.UNIX, new DomainSocketAddress(path.toString()), () -> {
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            client.connect(UnixDomainSocketAddress.of(path));
            return client;
        });
    }

    @Test
    void aLiveTcpConnectionOfEqualMessagesNeverFillsItsReadBuffer() throws Exception {
        Transport transport = Transport.EPOLL.isAvailable() ? Transport.EPOLL : Transport.NIO;
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        assertNoReadFillsItsBuffer(transport, SocketKind.TCP, any, null);
    }

    /**
     * Echoes {@value #ROUND_TRIPS} round trips of {@value #MESSAGE} bytes, a size in the calculator's table, through a
     * server channel that reads with {@link StreamReads#allocator}, and checks that no read filled its buffer: a full
     * buffer is what makes Netty read again, and on a socket that holds one message that second read finds nothing.
     * Without the headroom the sizes settle on exactly 64 bytes about every ninth batch.
     */
    private void assertNoReadFillsItsBuffer(
            Transport transport, SocketKind kind, SocketAddress bindTo, Connector unixConnector) throws Exception {
        EventLoopGroup group = transport.newEventLoopGroup(1, "reads-test");
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger full = new AtomicInteger();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannelClass(kind))
                    .childOption(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(0))
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf data = (ByteBuf) msg;
                            reads.incrementAndGet();
                            if (!data.isWritable()) {
                                full.incrementAndGet();
                            }
                            ctx.writeAndFlush(msg);
                        }
                    })
                    .bind(bindTo)
                    .sync()
                    .channel();
            try (SocketChannel client =
                    unixConnector != null ? unixConnector.connect() : SocketChannel.open(server.localAddress())) {
                byte[] message = new byte[MESSAGE];
                ByteBuffer back = ByteBuffer.allocate(MESSAGE);
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Arrays.fill(message, (byte) i);
                    client.write(ByteBuffer.wrap(message));
                    back.clear();
                    while (back.hasRemaining()) {
                        if (client.read(back) < 0) {
                            throw new IOException("the echo closed after " + i + " round trips");
                        }
                    }
                    assertArrayEquals(message, back.array(), "round trip " + i);
                }
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
        assertTrue(reads.get() >= ROUND_TRIPS, reads + " reads");
        assertEquals(0, full.get(), full + " of " + reads + " reads filled their buffer");
    }

    private static final int ROUND_TRIPS = 300;
    private static final int MESSAGE = 64;

    /** Opens the client's side of a Unix connection (the JDK's, not Netty's). */
    private interface Connector {
        SocketChannel connect() throws IOException;
    }

    @Test
    void refusesANegativeSize() {
        assertThrows(IllegalArgumentException.class, () -> StreamReads.allocator(-1));
    }
}
