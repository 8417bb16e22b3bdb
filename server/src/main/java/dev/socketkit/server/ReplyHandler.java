package dev.socketkit.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads one frame, answers the reply text and closes. Like the tutorial's one-shot server, it answers even a peer that
 * closes its side without sending anything. One instance per connection: it remembers whether it has answered.
 */
final class ReplyHandler extends ChannelInboundHandlerAdapter {
    private final byte[] text;
    private boolean answered;

    ReplyHandler(byte[] text) {
        this.text = text;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        answer(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            answer(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    // Reading goes on after the answer, so that bytes still arriving are consumed and the close sends FIN, not RST.
    private void answer(ChannelHandlerContext ctx) {
        if (!answered) {
            answered = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(text)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
