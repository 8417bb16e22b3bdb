package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Ends every outgoing message with the terminator unless it already ends with it, so an echoed line keeps the very
 * terminator it came with ({@code \r\n} stays {@code \r\n}). Sharable: stateless.
 */
@Sharable
final class TerminatingEncoder extends MessageToMessageEncoder<ByteBuf> {
    private final byte[] terminator;

    TerminatingEncoder(byte[] terminator) {
        super(ByteBuf.class);
        this.terminator = terminator;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        out.add(msg.retain());
        if (!endsWithTerminator(msg)) {
            out.add(Unpooled.wrappedBuffer(terminator));
        }
    }

    private boolean endsWithTerminator(ByteBuf msg) {
        int length = terminator.length;
        int start = msg.writerIndex() - length;
        if (start < msg.readerIndex()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (msg.getByte(start + i) != terminator[i]) {
                return false;
            }
        }
        return true;
    }
}
