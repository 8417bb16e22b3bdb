package dev.socketkit.server;

import dev.socketkit.transport.internal.ConnectionCap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Keeps at most {@link ServerConfig#maxConnections()} stream connections open. One more is closed as soon as it is
 * accepted, counted and logged as {@link Guard#CONNECTION_LIMIT}: left in the listen backlog it would wait for a
 * place that may never come, and the peer would learn nothing. Decided on the listening channel ({@link AcceptGuard}),
 * in accept order, and exact across event loops ({@link ConnectionCap}); a place is given back when its connection
 * closes or fails to be registered.
 */
final class ConnectionLimit {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final ConnectionCap cap;
    private final GuardLog guards;

    ConnectionLimit(int max, GuardLog guards) {
        this.cap = new ConnectionCap(max);
        this.guards = guards;
    }

    /**
     * On the listening channel, for a connection just accepted: takes a place for {@code child} and hands it on to be
     * registered, or refuses it: closes it and says so. Returns whether it was admitted.
     */
    boolean admit(ChannelHandlerContext ctx, Channel child) {
        if (cap.admit(ctx, child)) {
            return true;
        }
        String more = guards.acted(Guard.CONNECTION_LIMIT);
        if (more != null) {
            LOG.warn("{}{}", cap.refusal(Peers.describe(child)), more);
        }
        ConnectionCap.refuse(child);
        return false;
    }
}
