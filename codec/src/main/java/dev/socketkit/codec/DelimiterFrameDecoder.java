package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import java.util.List;

/** Cuts frames ending in a delimiter, keeping the delimiter; one per connection. */
final class DelimiterFrameDecoder extends DelimiterBasedFrameDecoder {
    private final int maxFrameLength;

    DelimiterFrameDecoder(int maxFrameLength, byte[] delimiter) {
        super(maxFrameLength, false, true, Unpooled.wrappedBuffer(delimiter));
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        Tails.emit(in, maxFrameLength, out);
    }
}
