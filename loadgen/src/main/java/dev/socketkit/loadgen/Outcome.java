package dev.socketkit.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What went wrong during a run, from any thread: counts, and the first few distinct descriptions for the report. Rare
 * events only; the per-operation counters live in {@link LoopStats}.
 */
final class Outcome {
    private static final int MAX_SAMPLES = 5;

    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();
    private final AtomicLong loss = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final List<String> samples = new ArrayList<>();

    /** A connection failed: refused, reset, closed early, stalled. */
    void error(String what) {
        errors.incrementAndGet();
        note(what);
    }

    /** An echo differed from what was sent. */
    void mismatch(String what) {
        mismatches.incrementAndGet();
        note("mismatch: " + what);
    }

    /** A datagram's echo did not come within the datagram timeout. */
    void countLost() {
        loss.incrementAndGet();
    }

    /** An echo came after its datagram had been counted as lost. */
    void countLate() {
        late.incrementAndGet();
    }

    long errors() {
        return errors.get();
    }

    long mismatches() {
        return mismatches.get();
    }

    long loss() {
        return loss.get();
    }

    long late() {
        return late.get();
    }

    synchronized List<String> samples() {
        return List.copyOf(samples);
    }

    private synchronized void note(String what) {
        if (samples.size() < MAX_SAMPLES && !samples.contains(what)) {
            samples.add(what);
        }
    }
}
