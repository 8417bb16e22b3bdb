package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import java.util.List;

/**
 * Cuts frames ending in a delimiter, keeping the delimiter; one per connection.
 *
 * <p>Known limit inherited from Netty: after a frame over the limit, a delimiter split across two reads is not seen,
 * so the connection is not resynchronised; socketkit's servers close such a connection anyway.
 */
final class DelimiterFrameDecoder extends DelimiterBasedFrameDecoder implements FrameProgress {
    private final int maxFrameLength;
    private final byte[] delimiter;

    DelimiterFrameDecoder(int maxFrameLength, byte[] delimiter) {
        super(maxFrameLength, false, true, Unpooled.wrappedBuffer(delimiter));
        this.maxFrameLength = maxFrameLength;
        this.delimiter = delimiter;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        if (Tails.awaitsSplitTerminator(buffer, maxFrameLength, delimiter, delimiter)) {
            return null;
        }
        return super.decode(ctx, buffer);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        Tails.emit(in, maxFrameLength, out);
    }

    @Override
    public int partialBytes() {
        return actualReadableBytes();
    }
}
