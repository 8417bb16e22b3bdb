package dev.socketkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * One block of random bytes that every message is a slice of, at a random offset, so a stale, reordered or corrupted
 * echo differs from what was expected. The block repeats with an odd period, so message boundaries do not line up
 * with it, and a slice may start anywhere in the first period: byte {@code i} of the block equals byte {@code i %
 * PERIOD}, which also makes it one endless periodic stream for stream mode.
 */
final class Payloads implements AutoCloseable {
    static final int PERIOD = (1 << 20) + 4099;

    // Not leak-tracked: under paranoid leak detection every read of a tracked buffer's slice records a stack trace,
    // which would make the comparison the bottleneck. The block is released in close() all the same.
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private final ByteBuf block;
    private final ByteBuf shared;
    private final ByteBuffer view;
    private final int maxSlice;

    Payloads(int maxSlice, long seed) {
        this.maxSlice = maxSlice;
        byte[] period = new byte[PERIOD];
        new SplittableRandom(seed).nextBytes(period);
        block = UNTRACKED.directBuffer(PERIOD + maxSlice);
        block.writeBytes(period);
        for (int left = maxSlice; left > 0; left -= Math.min(left, PERIOD)) {
            block.writeBytes(period, 0, Math.min(left, PERIOD));
        }
        // Writes hand slices to the channel, which releases them when written; the block outlives them all.
        shared = Unpooled.unreleasableBuffer(block);
        view = block.nioBuffer(0, block.writerIndex()).asReadOnlyBuffer();
    }

    /** A random offset to start a message at. */
    static int offset(SplittableRandom random) {
        return random.nextInt(PERIOD);
    }

    /** The offset of byte {@code position} of the endless stream that starts at {@code base}. */
    static int streamOffset(int base, long position) {
        return (int) ((base + position) % PERIOD);
    }

    /** {@code length} bytes from {@code offset}, to write; releasing it does nothing. */
    ByteBuf slice(int offset, int length) {
        return shared.slice(offset, length);
    }

    /** Copies {@code length} bytes from {@code offset} to {@code target}. */
    void copyTo(ByteBuf target, int offset, int length) {
        target.writeBytes(block, offset, length);
    }

    /**
     * Whether {@code length} bytes of {@code data} from {@code index} equal the block's from {@code offset}. Compared as
     * NIO buffers, which the JDK does with vector instructions, and which touches {@code data} once: Netty's leak
     * detector at paranoid level records a stack trace on every access to a tracked buffer, which would make a byte
     * or long at a time comparison crawl in tests.
     */
    boolean matches(ByteBuf data, int index, int offset, int length) {
        return data.nioBuffer(index, length).equals(view.slice(offset, length));
    }

    /** The longest slice this block holds at any offset. */
    int maxSlice() {
        return maxSlice;
    }

    @Override
    public void close() {
        block.release();
    }
}
