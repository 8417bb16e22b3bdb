package dev.socketkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Greets each new connection, then answers every frame with the prefix followed by the frame; flushes once per read
 * batch. Closing on end of input is left to {@link ConnectionHandler}. Sharable: holds only the two texts.
 */
@Sharable
final class WelcomeHandler extends ChannelInboundHandlerAdapter {
    private final byte[] greeting;
    private final byte[] prefix;

    WelcomeHandler(byte[] greeting, byte[] prefix) {
        this.greeting = greeting;
        this.prefix = prefix;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting), ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(prefixed(ctx, prefix, (ByteBuf) msg), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** A new buffer holding {@code prefix} then {@code frame}; releases {@code frame}. */
    static ByteBuf prefixed(ChannelHandlerContext ctx, byte[] prefix, ByteBuf frame) {
        try {
            return ctx.alloc()
                    .ioBuffer(prefix.length + frame.readableBytes())
                    .writeBytes(prefix)
                    .writeBytes(frame);
        } finally {
            frame.release();
        }
    }
}
