package dev.socketkit.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts each action of a {@link Guard} and keeps its WARN lines readable under attack: at most one line per guard per
 * second, the next line saying how many were left out. A flood of forged datagrams or a connection storm then writes
 * a line a second, not a line per event, and the counts stay exact. Thread-safe: every event loop of a server shares
 * one.
 */
final class GuardLog {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);
    private static final int GUARDS = Guard.values().length;

    /** Per-event warnings that are not a guard's, and are counted elsewhere, if at all: throttled all the same. */
    enum Line {
        /** Memory or file descriptors ran out. */
        RESOURCE_FAILURE,
        /** A peer sent a frame the framing rejects. */
        BAD_FRAME
    }

    private final Counters counters;
    private final long interval;
    private final AtomicLongArray nextLine = new AtomicLongArray(GUARDS + Line.values().length);
    private final AtomicLongArray leftOut = new AtomicLongArray(GUARDS + Line.values().length);

    GuardLog(Counters counters) {
        this(counters, INTERVAL);
    }

    GuardLog(Counters counters, long intervalNanos) {
        this.counters = counters;
        this.interval = intervalNanos;
        long now = System.nanoTime();
        for (int i = 0; i < nextLine.length(); i++) {
            nextLine.set(i, now);
        }
    }

    /**
     * Counts one action of {@code guard} and says whether to log it.
     *
     * @param guard the guard that acted
     * @return null when this line is to be left out; otherwise the end of the line: empty, or how many lines of this
     *     guard were left out since the last one
     */
    String acted(Guard guard) {
        counters.guarded(guard);
        return admit(guard.ordinal());
    }

    /**
     * Says whether to log one more warning of kind {@code line}; counts nothing.
     *
     * @param line the kind of warning
     * @return as {@link #acted}
     */
    String line(Line line) {
        return admit(GUARDS + line.ordinal());
    }

    private String admit(int i) {
        long now = System.nanoTime();
        long due = nextLine.get(i);
        if (now - due < 0 || !nextLine.compareAndSet(i, due, now + interval)) {
            leftOut.incrementAndGet(i);
            return null;
        }
        long skipped = leftOut.getAndSet(i, 0);
        return skipped == 0 ? "" : " (" + skipped + " more like it since the last such line)";
    }
}
