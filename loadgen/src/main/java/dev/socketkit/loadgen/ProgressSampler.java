package dev.socketkit.loadgen;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/** Turns the loops' running counters into a {@link Progress}: rates over the time since the previous look. */
final class ProgressSampler {
    private static final double SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Window window;
    private final Collection<LoopStats> loops;
    private final Outcome outcome;
    private long lastAt;
    private long lastOps;
    private long lastBytes;

    ProgressSampler(Window window, Collection<LoopStats> loops, Outcome outcome) {
        this.window = window;
        this.loops = loops;
        this.outcome = outcome;
        this.lastAt = window.start();
    }

    /** A look at {@code now}; {@code measuring} says whether it belongs to the window or to the warmup. */
    Progress sample(long now, boolean measuring) {
        long ops = 0;
        long bytes = 0;
        for (LoopStats stats : loops) {
            ops += stats.ops();
            bytes += stats.bytes();
        }
        // Counters only move inside the window, so rates are over the part of the interval inside it.
        double seconds = measuring ? (now - Math.max(lastAt, window.measureFrom())) / SECOND_NANOS : 0;
        Progress progress = new Progress(
                measuring,
                (now - (measuring ? window.measureFrom() : window.start())) / SECOND_NANOS,
                seconds > 0 ? (ops - lastOps) / seconds : 0,
                seconds > 0 ? (bytes - lastBytes) / 1e6 / seconds : 0,
                outcome.errors(),
                outcome.mismatches());
        lastAt = now;
        lastOps = ops;
        lastBytes = bytes;
        return progress;
    }
}
