package dev.socketkit.server;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The server's own handlers around a datagram socket's handler, whichever it is. At the {@link #head} it drops
 * datagrams that cannot be answered (from a Unix datagram client that bound no path of its own), counting them; at the
 * {@link #tail} it turns an exception into a log line and goes on, since one socket serves everyone and must not close
 * over one failed send or one faulty datagram. Sharable: it only counts.
 */
@Sharable
final class DatagramGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final Counters counters;
    private final ServerListener listener;
    private final boolean atHead;

    private DatagramGuard(Counters counters, ServerListener listener, boolean atHead) {
        this.counters = counters;
        this.listener = listener;
        this.atHead = atHead;
    }

    static DatagramGuard head(Counters counters, ServerListener listener) {
        return new DatagramGuard(counters, listener, true);
    }

    static DatagramGuard tail(Counters counters, ServerListener listener) {
        return new DatagramGuard(counters, listener, false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (atHead && msg instanceof AddressedEnvelope<?, ?> datagram && !canAnswer(datagram.sender())) {
            counters.droppedDatagrams.increment();
            LOG.debug("cannot answer a datagram from an unbound unix socket; dropped");
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!atHead) {
            ReferenceCountUtil.release(msg); // nothing after the tail: a handler that passed it on is done with it
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (atHead) {
            // The byte counter before this guard has marked the socket's own failures (SocketFailures).
            ctx.fireExceptionCaught(cause);
            return;
        }
        counters.failures.increment();
        if (SocketFailures.isFromSocket(ctx, cause)) {
            LOG.debug("datagram error: {}", cause.toString()); // the socket's, not the handler's: no handlerFailed
        } else {
            LOG.warn("datagram handler failed", cause);
            listener.handlerFailed(null, cause);
        }
    }

    private static boolean canAnswer(SocketAddress sender) {
        if (sender == null) {
            return false;
        }
        return !(sender instanceof DomainSocketAddress domain) || !domain.path().isEmpty();
    }
}
