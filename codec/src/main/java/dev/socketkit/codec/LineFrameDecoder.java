package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.util.List;

/** Cuts lines ending in {@code \n} or {@code \r\n}, keeping the terminator; one per connection. */
final class LineFrameDecoder extends LineBasedFrameDecoder implements FrameProgress {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private final int maxFrameLength;

    LineFrameDecoder(int maxFrameLength) {
        super(maxFrameLength, false, true);
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
        if (Tails.awaitsSplitTerminator(buffer, maxFrameLength, CRLF, LF)) {
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
