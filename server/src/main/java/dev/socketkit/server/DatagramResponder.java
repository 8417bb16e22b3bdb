package dev.socketkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultAddressedEnvelope;
import java.net.SocketAddress;

/**
 * Answers each datagram of a UDP or Unix datagram server according to the {@link ServerKind}: the datagram itself, the
 * prefix and the datagram, or the reply text. There is no connection, so there is no greeting and nothing to close.
 * Datagrams that cannot be answered never reach it, and errors are the server's {@link DatagramGuard}'s. Sharable:
 * stateless.
 */
@Sharable
final class DatagramResponder extends ChannelInboundHandlerAdapter {
    private final ServerKind kind;
    private final byte[] prefix;
    private final byte[] replyText;

    DatagramResponder(ServerKind kind, byte[] prefix, byte[] replyText) {
        this.kind = kind;
        this.prefix = prefix;
        this.replyText = replyText;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        AddressedEnvelope<ByteBuf, SocketAddress> datagram = (AddressedEnvelope<ByteBuf, SocketAddress>) msg;
        SocketAddress sender = datagram.sender();
        ByteBuf answer =
                switch (kind) {
                    case ECHO -> datagram.content();
                    case WELCOME -> WelcomeHandler.prefixed(ctx, prefix, datagram.content());
                    case REPLY -> {
                        datagram.release();
                        yield Unpooled.wrappedBuffer(replyText);
                    }
                };
        ctx.write(new DefaultAddressedEnvelope<>(answer, sender), ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }
}
