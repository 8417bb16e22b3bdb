package dev.socketkit.transport.internal;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * How stream channels read, for servers and clients alike: read sizes that adapt between 64 bytes and 64 KiB, or a
 * fixed size ({@code recv(N)}), and up to {@value #READS_PER_BATCH} reads each time the socket is ready.
 *
 * <p>The reads per batch must be set here: Netty gives a channel's own allocator its transport's default (16 for
 * streams), but an allocator set through {@code ChannelOption.RECVBUF_ALLOCATOR} keeps the class's default of one.
 * One read per batch means one flush, so one write, per read, and a return to {@code epoll_wait} every few reads:
 * echoing a 16 KiB-write stream, that cost socketkit about a fifth of plain Netty's throughput.
 */
public final class StreamReads {
    /** Reads per readiness event before others get their turn: Netty's default for stream channels. */
    public static final int READS_PER_BATCH = 16;

    private StreamReads() {}

    /**
     * The allocator for a stream channel's reads.
     *
     * @param bufferSize bytes per read; 0 lets the size adapt to what arrives, between 64 bytes and 64 KiB
     * @return a new allocator that reads up to {@value #READS_PER_BATCH} times per readiness event
     * @throws IllegalArgumentException if {@code bufferSize} is negative
     */
    public static RecvByteBufAllocator allocator(int bufferSize) {
        if (bufferSize < 0) {
            throw new IllegalArgumentException("buffer size " + bufferSize + " is negative");
        }
        if (bufferSize == 0) {
            AdaptiveRecvByteBufAllocator adaptive = new AdaptiveRecvByteBufAllocator(64, 2048, 64 * 1024);
            adaptive.maxMessagesPerRead(READS_PER_BATCH);
            return adaptive;
        }
        FixedRecvByteBufAllocator fixed = new FixedRecvByteBufAllocator(bufferSize);
        fixed.maxMessagesPerRead(READS_PER_BATCH);
        return fixed;
    }
}
