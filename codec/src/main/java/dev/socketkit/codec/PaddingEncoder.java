package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Pads every outgoing message with zero bytes to a whole number of fixed-size frames. Sharable: stateless. */
@Sharable
final class PaddingEncoder extends MessageToMessageEncoder<ByteBuf> {
    private final int frameSize;

    PaddingEncoder(int frameSize) {
        super(ByteBuf.class);
        this.frameSize = frameSize;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        out.add(msg.retain());
        int partial = msg.readableBytes() % frameSize;
        if (partial != 0) {
            out.add(Unpooled.wrappedBuffer(new byte[frameSize - partial]));
        }
    }
}
