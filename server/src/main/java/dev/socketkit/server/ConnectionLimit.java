package dev.socketkit.server;

import dev.socketkit.transport.internal.ConnectionCap;
import io.netty.channel.Channel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Keeps at most {@link ServerConfig#maxConnections()} stream connections open. One more is closed as soon as it is
 * accepted, counted and logged as {@link Guard#CONNECTION_LIMIT}: left in the listen backlog it would wait for a
 * place that may never come, and the peer would learn nothing. Exact across event loops ({@link ConnectionCap}): a
 * place is given back through {@link #closed}, from the one close listener {@link ConnectionHandler#opened} gives each
 * connection (a second listener would cost every connection a listener array).
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
     * Takes a place for {@code channel}, or refuses it: closes it and says so.
     *
     * @return whether the connection may be served
     */
    boolean admit(Channel channel) {
        if (cap.tryTake()) {
            return true;
        }
        String more = guards.acted(Guard.CONNECTION_LIMIT);
        if (more != null) {
            LOG.warn("{}{}", cap.refusal(Peers.describe(channel)), more);
        }
        channel.close();
        return false;
    }

    /** A connection {@link #admit} let in has closed: its place is free. */
    void closed() {
        cap.release();
    }
}
