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
final class LengthFrameDecoder extends LengthFieldBasedFrameDecoder {
    LengthFrameDecoder(int fieldBytes, int maxFrameLength) {
        // Netty's limit counts the length field too; socketkit's counts the payload only.
        super(ByteOrder.BIG_ENDIAN, maxFrameLength + fieldBytes, 0, fieldBytes, 0, fieldBytes, true);
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
}
