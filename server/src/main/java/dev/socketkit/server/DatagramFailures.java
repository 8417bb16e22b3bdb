package dev.socketkit.server;

import dev.socketkit.transport.internal.Failures;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The last handler of a datagram socket: turns an exception into a log line and goes on, since one socket serves
 * everyone and must not close over one failed send or one faulty datagram; releases whatever a handler passed on.
 * Sharable: it only counts.
 */
@Sharable
final class DatagramFailures extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final Counters counters;
    private final ServerListener listener;
    private final GuardLog guards;

    DatagramFailures(Counters counters, ServerListener listener, GuardLog guards) {
        this.counters = counters;
        this.listener = listener;
        this.guards = guards;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // nothing after the tail: a handler that passed it on is done with it
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.failures.increment();
        if (Failures.isResourceFailure(cause)) {
            String more = guards.line(GuardLog.Line.RESOURCE_FAILURE);
            if (more != null) {
                LOG.warn("gave up a datagram: {}{}", Failures.describeResourceOrRoot(cause), more);
            }
        } else if (SocketFailures.isFromSocket(ctx, cause)) {
            LOG.debug("datagram error: {}", cause.toString()); // the socket's, not the handler's: no handlerFailed
        } else {
            LOG.warn("datagram handler failed", cause);
            listener.handlerFailed(null, cause);
        }
    }
}
