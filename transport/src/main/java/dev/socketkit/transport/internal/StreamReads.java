package dev.socketkit.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator.ExtendedHandle;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How stream channels read, for servers and clients alike: read sizes that adapt between 80 bytes and 64 KiB, or a
 * fixed size ({@code recv(N)}), and up to {@value #READS_PER_BATCH} reads each time the socket is ready.
 *
 * <p>The reads per batch must be set here: Netty gives a channel's own allocator its transport's default (16 for
 * streams), but an allocator set through {@code ChannelOption.RECVBUF_ALLOCATOR} keeps the class's default of one.
 * One read per batch means one flush, so one write, per read, and a return to {@code epoll_wait} every few reads:
 * echoing a 16 KiB-write stream, that cost socketkit about a fifth of plain Netty's throughput.
 *
 * <p>Adaptive reads ask for {@value #HEADROOM} bytes more than Netty's size calculator suggests. A read that fills
 * its buffer may have left more behind, so Netty reads again, and on a stream of equal messages the calculator
 * settles on exactly their size whenever it is in its table (any multiple of 16 up to 512, any power of two): then
 * (for 64-byte messages one batch in nine) a read took its message, filled the buffer, and one more read found the
 * socket empty. With the headroom a message never fills the buffer that was sized for it, and each batch is one read.
 */
public final class StreamReads {
    /** Reads per readiness event before others get their turn: Netty's default for stream channels. */
    public static final int READS_PER_BATCH = 16;

    /** Bytes an adaptive read asks for beyond the calculator's size: one step of its table at the small end. */
    static final int HEADROOM = 16;

    static final int MINIMUM = 64;
    static final int INITIAL = 2048;
    static final int MAXIMUM = 64 * 1024;

    private StreamReads() {}

    /**
     * The allocator for a stream channel's reads.
     *
     * @param bufferSize bytes per read; 0 lets the size adapt to what arrives, between 80 bytes and 64 KiB
     * @return a new allocator that reads up to {@value #READS_PER_BATCH} times per readiness event
     * @throws IllegalArgumentException if {@code bufferSize} is negative
     */
    public static RecvByteBufAllocator allocator(int bufferSize) {
        if (bufferSize < 0) {
            throw new IllegalArgumentException("buffer size " + bufferSize + " is negative");
        }
        if (bufferSize == 0) {
            Adaptive adaptive = new Adaptive();
            adaptive.maxMessagesPerRead(READS_PER_BATCH);
            return adaptive;
        }
        FixedRecvByteBufAllocator fixed = new FixedRecvByteBufAllocator(bufferSize);
        fixed.maxMessagesPerRead(READS_PER_BATCH);
        return fixed;
    }

    /** Netty's adaptive sizes, each read {@link #HEADROOM} bytes larger, and never more than {@link #MAXIMUM}. */
    private static final class Adaptive extends AdaptiveRecvByteBufAllocator {
        Adaptive() {
            super(MINIMUM, INITIAL, MAXIMUM);
        }

        @Override
        @SuppressWarnings("deprecation") // Netty's signature: Handle is deprecated for ExtendedHandle, which this is
        public Handle newHandle() {
            return new WithHeadroom((ExtendedHandle) super.newHandle());
        }
    }

    /**
     * A handle that passes everything to Netty's adaptive one but the size of each buffer. It must be an {@link
     * ExtendedHandle}: the epoll and io_uring channels refuse an allocator whose handles are not.
     */
    private static final class WithHeadroom extends RecvByteBufAllocator.DelegatingHandle implements ExtendedHandle {
        private final ExtendedHandle sizes;

        WithHeadroom(ExtendedHandle sizes) {
            super(sizes);
            this.sizes = sizes;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return Math.min(sizes.guess() + HEADROOM, MAXIMUM);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return sizes.continueReading(maybeMoreDataSupplier);
        }
    }
}
