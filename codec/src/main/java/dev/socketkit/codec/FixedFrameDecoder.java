package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.util.List;

/** Cuts frames of one fixed size; a short tail at end of input is handed on as a last frame. One per connection. */
final class FixedFrameDecoder extends FixedLengthFrameDecoder implements FrameProgress {
    private final int frameSize;

    FixedFrameDecoder(int frameSize) {
        super(frameSize);
        this.frameSize = frameSize;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        Tails.emit(in, frameSize, out);
    }

    @Override
    public int partialBytes() {
        return actualReadableBytes();
    }
}
