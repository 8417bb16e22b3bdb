package dev.socketkit.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it hands out, so that a test can check each was released: the leak check
 * of a fuzz test, where Netty's leak detector, which reports a leak only once the buffer is garbage-collected and only
 * in a log, would miss most of them. One per test input; public for the server module's fuzz test.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> buffers = new ArrayList<>();

    private TrackingAllocator() {
        super(false);
    }

    /**
     * Makes a tracking allocator the one {@code channel} and its handlers allocate from (decoders' cumulation buffers
     * included).
     *
     * @param channel the channel under test
     * @return the allocator
     */
    public static TrackingAllocator installIn(EmbeddedChannel channel) {
        TrackingAllocator allocator = new TrackingAllocator();
        channel.config().setAllocator(allocator);
        return allocator;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /**
     * Adds a buffer this allocator did not make, such as a frame a test read, to those checked.
     *
     * @param buffer the buffer
     * @return {@code buffer}
     */
    public ByteBuf track(ByteBuf buffer) {
        buffers.add(buffer);
        return buffer;
    }

    /** Fails unless every buffer tracked has been released; call it after {@link EmbeddedChannel#finishAndReleaseAll}. */
    public void assertAllReleased() {
        for (ByteBuf buffer : buffers) {
            assertEquals(0, buffer.refCnt(), () -> "buffer not released: " + buffer);
        }
    }
}
