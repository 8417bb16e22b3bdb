package dev.socketkit.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most so many connections open at once, for servers ({@code serve --max-connections}) and the relay alike: a place
 * is taken by compare-and-set when a connection is accepted and given back when it closes, so the count is exact across
 * event loops. {@link #admit} takes it on the listening channel, in accept order: with accepts batched per readiness
 * event ({@link Bootstraps#acceptInBatches}) the connections of one batch go to different event loops, and a place
 * taken once a connection is registered would go to whichever loop got there first. One connection more is to be
 * closed at once, counted and logged (in {@link #refusal}'s words): left in the listen backlog it would wait for a
 * place that may never come, and the peer would learn nothing.
 */
public final class ConnectionCap {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * A cap of {@code max} connections.
     *
     * @param max at least 1
     */
    public ConnectionCap(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("connection limit " + max + " is below 1");
        }
        this.max = max;
    }

    /** {@return whether a place was free; if so, it is taken until {@link #release}} */
    private boolean tryTake() {
        for (int now = open.get(); now < max; now = open.get()) {
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * On the listening channel's pipeline, in {@code channelRead}, before Netty's acceptor: takes a place for {@code
     * child} and hands it on to be registered, or, with no place free, leaves it to the caller to refuse ({@link
     * #refuse}). The place is given back exactly once, when the child closes or fails to be registered: a failure the
     * acceptor meets at once (a channel option that cannot be set, a loop that refuses it) closes the child without
     * completing its close future, so that case is caught when the hand-off returns.
     *
     * @param ctx the listening channel's handler context
     * @param child the connection just accepted, not yet registered
     * @return whether it was handed on; if not, it is still open and not yet counted
     */
    public boolean admit(ChannelHandlerContext ctx, Channel child) {
        if (!tryTake()) {
            return false;
        }
        Place place = new Place();
        child.closeFuture().addListener(place);
        ctx.fireChannelRead(child);
        if (!child.isOpen()) {
            place.giveBack();
        }
        return true;
    }

    /**
     * Closes a connection {@link #admit} refused, on the listening channel's event loop. It has no event loop of its
     * own yet, so it cannot be closed through its pipeline; this is how Netty's acceptor closes a child it cannot
     * register.
     *
     * @param child the refused connection
     */
    public static void refuse(Channel child) {
        child.unsafe().closeForcibly();
    }

    /** One admitted connection's place, given back once whichever way it ends. */
    private final class Place extends AtomicBoolean implements ChannelFutureListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void operationComplete(ChannelFuture closed) {
            giveBack();
        }

        void giveBack() {
            if (compareAndSet(false, true)) {
                release();
            }
        }
    }

    /** Gives back a place {@link #tryTake} took: its connection has closed. */
    private void release() {
        open.decrementAndGet();
    }

    /**
     * The line for a connection refused because no place was free.
     *
     * @param peer the connection, as the log names it
     * @return such as {@code refused tcp://127.0.0.1:40312: 100 connections are open, the most allowed
     *     (--max-connections)}
     */
    public String refusal(Object peer) {
        return "refused " + peer + ": " + max + " connections are open, the most allowed (--max-connections)";
    }
}
