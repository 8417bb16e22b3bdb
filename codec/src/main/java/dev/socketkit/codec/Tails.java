package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/** What a terminated-frame decoder does with the bytes left when the input ends: hand them on as a last frame. */
final class Tails {
    private Tails() {}

    /**
     * Whether {@code buffer} holds a frame of at most {@code maxFrameLength} bytes followed by the first bytes of a
     * terminator split across reads. Netty's decoders count those bytes as frame content and would refuse a frame of
     * exactly the maximum; the decoder waits for the next read instead. {@code shortest} is the shortest complete
     * terminator ({@code \n} for lines, whose terminator may also be {@code \r\n}).
     */
    static boolean awaitsSplitTerminator(ByteBuf buffer, int maxFrameLength, byte[] terminator, byte[] shortest) {
        int beyond = buffer.readableBytes() - maxFrameLength;
        if (beyond <= 0 || beyond >= terminator.length) {
            return false;
        }
        int start = buffer.writerIndex() - beyond;
        for (int i = 0; i < beyond; i++) {
            if (buffer.getByte(start + i) != terminator[i]) {
                return false;
            }
        }
        // A whole terminator earlier in the buffer means a frame is ready: let Netty cut it.
        return ByteBufUtil.indexOf(Unpooled.wrappedBuffer(shortest), buffer) < 0;
    }

    /**
     * Netty's line and delimiter decoders drop an unterminated tail at end of input; socketkit passes it on, so that
     * an echo of {@code printf abc} does not lose {@code abc}.
     */
    static void emit(ByteBuf in, int maxFrameLength, List<Object> out) {
        int left = in.readableBytes();
        if (left == 0) {
            return;
        }
        if (left > maxFrameLength) {
            in.skipBytes(left);
            throw new TooLongFrameException("frame length exceeds " + maxFrameLength + ": " + left);
        }
        out.add(in.readRetainedSlice(left));
    }
}
