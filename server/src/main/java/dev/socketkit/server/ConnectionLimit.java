package dev.socketkit.server;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Keeps at most {@link ServerConfig#maxConnections()} stream connections open. One more is closed as soon as it is
 * accepted, counted and logged as {@link Guard#CONNECTION_LIMIT}: left in the listen backlog it would wait for a
 * place that may never come, and the peer would learn nothing. Exact across event loops: a place is taken by
 * compare-and-set and given back through {@link #closed}, from the one close listener {@link ConnectionHandler#opened}
 * gives each connection (a second listener would cost every connection a listener array).
 */
final class ConnectionLimit {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final int max;
    private final GuardLog guards;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max, GuardLog guards) {
        this.max = max;
        this.guards = guards;
    }

    /**
     * Takes a place for {@code channel}, or refuses it: closes it and says so.
     *
     * @return whether the connection may be served
     */
    boolean admit(Channel channel) {
        for (int now = open.get(); now < max; now = open.get()) {
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        String more = guards.acted(Guard.CONNECTION_LIMIT);
        if (more != null) {
            LOG.warn(
                    "refused {}: {} connections are open, the most allowed (--max-connections){}",
                    Peers.describe(channel),
                    max,
                    more);
        }
        channel.close();
        return false;
    }

    /** A connection {@link #admit} let in has closed: its place is free. */
    void closed() {
        open.decrementAndGet();
    }
}
