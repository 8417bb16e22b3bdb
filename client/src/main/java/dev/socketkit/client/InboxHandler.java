package dev.socketkit.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.RejectedExecutionException;

/**
 * Copies every received frame or datagram into the {@link Inbox} and releases it; reports the end. Stops reading from
 * the socket while the inbox is full, so a peer that sends faster than the caller takes frames is held back by flow
 * control instead of filling the heap. One per client.
 */
final class InboxHandler extends ChannelInboundHandlerAdapter {
    private final Inbox inbox;
    private final String endpoint;
    private final int maxFrameLength;

    /** {@code maxFrameLength} is the framing's limit, for the message when a frame is over it. */
    InboxHandler(Inbox inbox, String endpoint, int maxFrameLength) {
        this.inbox = inbox;
        this.endpoint = endpoint;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        // The caller takes frames on its own thread; autoRead is only ever changed on the event loop, each time to
        // what the inbox says then, so a pause and a resume that race end in the state of the later one.
        inbox.onRoomMade(() -> {
            try {
                channel.eventLoop().execute(() -> updateReading(channel));
            } catch (RejectedExecutionException closed) {
                // The client is closed and its event loop gone: there is no reading to resume, and the caller may still
                // take the frames that were held.
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            Object content = msg instanceof AddressedEnvelope<?, ?> datagram ? datagram.content() : msg;
            if (content instanceof ByteBuf data && !inbox.add(ByteBufUtil.getBytes(data))) {
                updateReading(ctx.channel());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void updateReading(Channel channel) {
        channel.config().setAutoRead(inbox.hasRoom());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inbox.end(closed());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inbox.end(closed());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Every client channel is connected (datagram ones too), so an error ends the conversation.
        inbox.end(
                cause instanceof TooLongFrameException
                        ? new ClientException(
                                ClientException.Reason.IO,
                                endpoint + " sent a frame over the limit of " + maxFrameLength + " bytes",
                                cause)
                        : Failures.describe(endpoint, cause));
        ctx.close();
    }

    private ClientException closed() {
        return Failures.closed(endpoint, null);
    }
}
