package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Stream read allocators: batches of 16 reads, adaptive or fixed sizes. */
class StreamReadsTest {
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
    void adaptiveReadsStartAt2048Bytes() {
        var handle = StreamReads.allocator(0).newHandle();
        assertEquals(2048, handle.guess());
    }

    @Test
    void refusesANegativeSize() {
        assertThrows(IllegalArgumentException.class, () -> StreamReads.allocator(-1));
    }
}
