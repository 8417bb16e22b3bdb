package dev.socketkit.server;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Arms the idle timers of a server's new connections in batches, one pass per event loop at most every {@link
 * #maxDeferNanos}, instead of one timer scheduled as each connection opens and cancelled as it closes. Most connections
 * of a server that takes many (connect, one exchange, close) live far shorter than that: they are never given a timer
 * at all. A connection still open at the pass has its timer armed for its own deadline, which has not passed, since
 * the pass comes no later than the shortest idle timeout after the connection opened; so no deadline is late, and a
 * peer that connects and never sends is closed at its idle timeout as before.
 *
 * <p>Only the loops of an event-loop group defer, a fixed few per server: an executor of no group (an {@code
 * EmbeddedChannel}'s, one per channel, in tests and benchmarks) would add an entry per connection that nothing
 * removes, so a connection there arms its timer at once, as before.
 *
 * <p>Each event loop keeps its own list of the connections waiting, linked through the connections' handlers (no
 * object per connection), touched only on that loop; a connection that closes first leaves the list at once, so the
 * list holds only open connections.
 */
final class DeadlineStarts {
    /** Longest a new connection waits for its idle timer (shorter when the idle timeout is shorter). */
    static final long MAX_DEFER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long maxDeferNanos;
    private final Map<EventExecutor, Waiting> loops = new ConcurrentHashMap<>();

    /** For a server whose idle timeout is {@code idleNanos} (more than 0). */
    DeadlineStarts(long idleNanos) {
        this.maxDeferNanos = Math.min(idleNanos, MAX_DEFER_NANOS);
    }

    /** Whether a connection on {@code loop} waits for a pass: whether {@code loop} belongs to a group. */
    static boolean defers(EventExecutor loop) {
        return loop.parent() != null;
    }

    /**
     * {@code deadlines}, just opened on {@code loop} (and called there), gets its idle timer at the next pass; {@code
     * loop} {@linkplain #defers defers}.
     */
    void add(EventExecutor loop, ConnectionDeadlines deadlines) {
        Waiting waiting = loops.get(loop);
        if (waiting == null) {
            waiting = loops.computeIfAbsent(loop, Waiting::new);
        }
        waiting.add(deadlines);
    }

    /** {@code deadlines} closed or armed its own timer: it leaves its loop's list, if on it. */
    void remove(EventExecutor loop, ConnectionDeadlines deadlines) {
        if (deadlines.waiting) {
            loops.get(loop).remove(deadlines);
        }
    }

    /** One event loop's connections waiting for their timers, oldest first. */
    private final class Waiting implements Runnable {
        private final EventExecutor loop;
        private ConnectionDeadlines first;
        private ConnectionDeadlines last;
        private boolean passScheduled;

        Waiting(EventExecutor loop) {
            this.loop = loop;
        }

        void add(ConnectionDeadlines deadlines) {
            deadlines.waiting = true;
            deadlines.previousWaiting = last;
            deadlines.nextWaiting = null;
            if (last == null) {
                first = deadlines;
            } else {
                last.nextWaiting = deadlines;
            }
            last = deadlines;
            if (!passScheduled) {
                passScheduled = true;
                loop.schedule(this, maxDeferNanos, TimeUnit.NANOSECONDS);
            }
        }

        void remove(ConnectionDeadlines deadlines) {
            ConnectionDeadlines previous = deadlines.previousWaiting;
            ConnectionDeadlines next = deadlines.nextWaiting;
            if (previous == null) {
                first = next;
            } else {
                previous.nextWaiting = next;
            }
            if (next == null) {
                last = previous;
            } else {
                next.previousWaiting = previous;
            }
            deadlines.waiting = false;
            deadlines.previousWaiting = null;
            deadlines.nextWaiting = null;
        }

        /** The pass: arms every waiting connection's timer; another pass only once another connection waits. */
        @Override
        public void run() {
            passScheduled = false;
            for (ConnectionDeadlines deadlines = first; deadlines != null; deadlines = first) {
                remove(deadlines);
                deadlines.armIdle();
            }
        }
    }
}
