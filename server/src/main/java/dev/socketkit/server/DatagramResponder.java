package dev.socketkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Answers each datagram of a UDP or Unix datagram server according to the {@link ServerKind}: the datagram itself, the
 * prefix and the datagram, or the reply text. There is no connection, so there is no greeting and nothing to close;
 * an error is logged and the server goes on. Sharable: stateless but for a counter.
 */
@Sharable
final class DatagramResponder extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final ServerKind kind;
    private final byte[] prefix;
    private final byte[] replyText;
    private final LongAdder unanswerable = new LongAdder();

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
        if (!canAnswer(sender)) {
            // A Unix datagram client that did not bind a path of its own cannot be answered.
            unanswerable.increment();
            LOG.debug("cannot answer a datagram from an unbound unix socket ({} so far)", unanswerable.sum());
            datagram.release();
            return;
        }
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

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A datagram socket serves everyone at once: one failed send (an ICMP unreachable, a full buffer) must not
        // close it.
        if (cause instanceof IOException) {
            LOG.debug("datagram error: {}", cause.toString());
        } else {
            LOG.warn("datagram error: {}", cause.toString());
            LOG.debug("datagram error", cause);
        }
    }

    private static boolean canAnswer(SocketAddress sender) {
        if (sender == null) {
            return false;
        }
        return !(sender instanceof DomainSocketAddress domain) || !domain.path().isEmpty();
    }
}
