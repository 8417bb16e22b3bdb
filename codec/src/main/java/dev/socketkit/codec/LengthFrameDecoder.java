package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Cuts frames that start with a big-endian length field and strips the field; one per connection.
 *
 * <pre>
 * BEFORE DECODE (5 bytes, 2-byte field)     AFTER DECODE (3 bytes)
 * +--------+---------+                      +---------+
 * | 0x0003 | "abc"   |  -----------------&gt;  | "abc"   |
 * +--------+---------+                      +---------+
 * </pre>
 *
 * The length is checked against the limit before any byte of the payload is buffered.
 */
final class LengthFrameDecoder extends LengthFieldBasedFrameDecoder implements FrameProgress {
    LengthFrameDecoder(int fieldBytes, int maxFrameLength) {
        // Netty's limit counts the length field too; socketkit's counts the payload only.
        super(
                ByteOrder.BIG_ENDIAN,
                (int) Math.min((long) maxFrameLength + fieldBytes, Integer.MAX_VALUE),
                0,
                fieldBytes,
                0,
                fieldBytes,
                true);
    }

    /**
     * The length field is unsigned: an 8-byte length with the top bit set, or near {@code Long.MAX_VALUE}, is a frame
     * too long, not a corrupt one, so it is clamped to a value Netty's limit check refuses as too long.
     */
    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long value = super.getUnadjustedFrameLength(buf, offset, length, order);
        return value < 0 || value > Integer.MAX_VALUE ? Integer.MAX_VALUE : value;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        int left = in.readableBytes();
        if (left > 0) {
            // A length-prefixed tail cannot be delivered as a frame; say so rather than drop it quietly.
            in.skipBytes(left);
            throw new CorruptedFrameException("input ended inside a frame, " + left + " bytes of it received");
        }
    }

    @Override
    public int partialBytes() {
        return actualReadableBytes();
    }
}
