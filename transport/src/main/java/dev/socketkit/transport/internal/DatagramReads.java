package dev.socketkit.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.internal.ObjectUtil;
import java.nio.ByteBuffer;

/**
 * How datagram sockets read, for servers, the relay, the client and the benchmark alike: each datagram whole into a
 * buffer of the read size (the largest datagram), the event loop thread's own while it is free, up to {@value
 * #READS_PER_BATCH} datagrams each time the socket is ready, and, where datagrams wait in a queue, each small one moved
 * into a buffer of its own size ({@link #RIGHT_SIZE}), which frees the read buffer for the next read.
 *
 * <p>Many reads per batch: with one, every datagram cost an {@code epoll_wait}, a {@code recvmsg} and a {@code sendto}
 * of its own; with a batch, one wake-up reads what the socket holds and one flush sends the answers together ({@code
 * sendmmsg} on epoll). 64 is what the C floor ({@code cecho}) reads per event: the batch's work is bounded (64 reads,
 * each at most one datagram), other sockets on the event loop wait at most that long, and datagrams from every source
 * come out of the socket's one queue in the order they came, so a batch favours no sender. Netty's own default for
 * datagram channels is 16, but, as for streams ({@link StreamReads}), an allocator set through {@code
 * ChannelOption.RECVBUF_ALLOCATOR} keeps the class's default of one.
 *
 * <p>Netty's {@code recvmmsg} path ({@code EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE}) is not used: it reads into
 * one buffer of N times the largest datagram (64 reads of 65,507 bytes: 4 MiB, above the pool's chunk, so a fresh
 * allocation each time) and hands out slices, each of which pins the whole buffer while it waits.
 */
public final class DatagramReads {
    /** Datagrams read per readiness event before other sockets get their turn: what the C floor reads. */
    public static final int READS_PER_BATCH = 64;

    /**
     * Moves a datagram that fills at most half of its read buffer (or of the buffer a slice of it holds) into a buffer
     * of its own size, and frees the read
     * buffer at once, so the next read takes the same memory: a 64-byte datagram waiting to be sent
     * back, or held by the relay, holds 64 bytes, not the 64 KiB it was read into. A larger datagram stays where it is
     * (its buffer is less than twice its size) and is not copied. Sharable: stateless. First in the pipeline.
     */
    public static final ChannelHandler RIGHT_SIZE = new RightSize();

    private DatagramReads() {}

    /**
     * The allocator for a datagram channel's reads.
     *
     * @param readSize bytes per read, at least 1: a datagram longer than this is cut as {@code recvfrom(readSize)} cuts
     *     it
     * @return a new allocator reading {@code readSize} bytes per datagram, up to {@value #READS_PER_BATCH} per event
     */
    public static RecvByteBufAllocator allocator(int readSize) {
        return new Reads(ObjectUtil.checkPositive(readSize, "readSize"));
    }

    /**
     * Reads into the event loop thread's own buffer of the read size, as the floor reads into one buffer: every socket
     * on a thread reads in turn, so one buffer per thread serves them all (the relay's thousand session sockets too).
     * It is handed out only while nothing else holds it: once {@link #RIGHT_SIZE} has moved the datagram out, or
     * whoever had it let go; else a read takes a buffer from the channel's allocator, as Netty's own would. Without
     * it, a Unix datagram socket, whose read size can be 8 MiB (twice {@code wmem_max}), took a new 8 MiB buffer per
     * datagram, beyond the pool's chunks, which the JDK zeroes: four fifths of the server's time went to that.
     */
    private static final class Reads extends DefaultMaxMessagesRecvByteBufAllocator {
        private final int readSize;

        Reads(int readSize) {
            super(READS_PER_BATCH);
            this.readSize = readSize;
        }

        @Override
        @SuppressWarnings("deprecation") // the interface's own return type; the handle is an ExtendedHandle, as Netty's
        public Handle newHandle() {
            return new MaxMessageHandle() {
                @Override
                public int guess() {
                    return readSize;
                }

                @Override
                public ByteBuf allocate(ByteBufAllocator alloc) {
                    ByteBuf own = ThreadBuffers.CURRENT.get().buffer(readSize);
                    return own != null && own.refCnt() == 1 ? own.retain().clear() : alloc.ioBuffer(readSize);
                }
            };
        }
    }

    /**
     * A thread's read buffers, one per read size (UDP's, Unix datagrams', a {@code --buffer-size}), at most {@value
     * #SIZES}. Made on first use, zeroed once by the JDK, never released: they go when the thread does, with the
     * garbage collector's freeing of direct memory. Not the allocator's, so the leak detector does not follow them.
     */
    private static final class ThreadBuffers {
        static final ThreadLocal<ThreadBuffers> CURRENT = ThreadLocal.withInitial(ThreadBuffers::new);
        private static final int SIZES = 4;
        private final ByteBuf[] buffers = new ByteBuf[SIZES];

        /** {@return this thread's buffer of {@code size} bytes, or null when it has as many sizes as it keeps} */
        ByteBuf buffer(int size) {
            for (int i = 0; i < SIZES; i++) {
                ByteBuf buffer = buffers[i];
                if (buffer == null) {
                    buffer = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size));
                    buffers[i] = buffer;
                    return buffer;
                }
                if (buffer.capacity() == size) {
                    return buffer;
                }
            }
            return null;
        }
    }

    @Sharable
    private static final class RightSize extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof AddressedEnvelope<?, ?> datagram
                    && msg instanceof ByteBufHolder holder
                    && datagram.content() instanceof ByteBuf data
                    && data.readableBytes() <= memoryHeld(data) / 2) {
                int bytes = data.readableBytes();
                ByteBuf copy = data.isDirect()
                        ? ctx.alloc().directBuffer(bytes)
                        : ctx.alloc().heapBuffer(bytes);
                copy.writeBytes(data, data.readerIndex(), bytes);
                // replace keeps the packet's class and addresses; the read buffer goes back to the allocator now.
                Object moved = holder.replace(copy);
                holder.release();
                ctx.fireChannelRead(moved);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        /**
         * The capacity of the buffer under {@code data}: epoll hands each UDP datagram over as a slice of its read
         * buffer, whose own capacity is the datagram's length, but which holds the whole read buffer.
         */
        private static int memoryHeld(ByteBuf data) {
            ByteBuf root = data;
            for (ByteBuf under = root.unwrap(); under != null; under = under.unwrap()) {
                root = under;
            }
            return root.capacity();
        }
    }
}
