package dev.socketkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Logs every frame read and written at DEBUG, as the tutorial's {@code print} does. Installed only when DEBUG is on
 * at start, so a quiet server pays nothing for it. Sharable: stateless.
 */
@Sharable
final class MessageLogHandler extends ChannelDuplexHandler {
    static final MessageLogHandler INSTANCE = new MessageLogHandler();
    private static final Logger LOG = LogManager.getLogger(Server.class);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        log(ctx, "from", msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        log(ctx, "to", msg);
        ctx.write(msg, promise);
    }

    private static void log(ChannelHandlerContext ctx, String direction, Object msg) {
        if (msg instanceof ByteBuf data) {
            LOG.debug(
                    "{} {}: {} bytes {}",
                    direction,
                    Peers.describe(ctx.channel()),
                    data.readableBytes(),
                    Peers.preview(data));
        } else if (msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf data) {
            String peer =
                    Peers.describe(direction.equals("from") ? datagram.sender() : datagram.recipient(), ctx.channel());
            LOG.debug("{} {}: {} bytes {}", direction, peer, data.readableBytes(), Peers.preview(data));
        }
    }
}
