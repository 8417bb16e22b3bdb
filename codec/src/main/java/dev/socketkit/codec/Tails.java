package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/** What a terminated-frame decoder does with the bytes left when the input ends: hand them on as a last frame. */
final class Tails {
    private Tails() {}

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
