package dev.socketkit.loadgen;

/**
 * The run's timeline in {@link System#nanoTime()} terms: load starts at {@code start}, the measured window is {@code
 * [measureFrom, end)}. An operation counts when it completes inside the window, as in the harness's load generator.
 */
record Window(long start, long measureFrom, long end) {
    static Window startingAt(long now, long warmupNanos, long durationNanos) {
        return new Window(now, now + warmupNanos, now + warmupNanos + durationNanos);
    }

    boolean counts(long now) {
        return now - measureFrom >= 0 && now - end < 0;
    }

    boolean isOver(long now) {
        return now - end >= 0;
    }

    long durationNanos() {
        return end - measureFrom;
    }
}
