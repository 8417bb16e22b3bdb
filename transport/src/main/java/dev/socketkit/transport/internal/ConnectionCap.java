package dev.socketkit.transport.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most so many connections open at once, for servers ({@code serve --max-connections}) and the relay alike: a place
 * is taken by compare-and-set when a connection is accepted and given back when it closes, so the count is exact across
 * event loops. One connection more is to be closed at once, counted and logged (in {@link #refusal}'s words): left in
 * the listen backlog it would wait for a place that may never come, and the peer would learn nothing.
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
    public boolean tryTake() {
        for (int now = open.get(); now < max; now = open.get()) {
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back a place {@link #tryTake} took: its connection has closed. */
    public void release() {
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
