package dev.socketkit.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The measurements of one event loop, written only by that loop's thread, so recording takes no lock and no atomic
 * read-modify-write. The counters are published with release stores for the progress line; the histogram is read only
 * after the event loops have stopped.
 */
final class LoopStats {
    /** Latencies above an hour are recorded as an hour: every wait is bounded far below that. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    /** Three significant digits: each latency within 0.1 % of its true value. */
    static final int DIGITS = 3;

    private final Histogram latency = new Histogram(HIGHEST_NANOS, DIGITS);
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final List<Worker> workers = new ArrayList<>();

    /** One operation completed in the window after {@code latencyNanos}, echoing {@code payload} bytes. */
    void record(long latencyNanos, int payload) {
        latency.recordValue(Math.max(0, Math.min(latencyNanos, HIGHEST_NANOS)));
        ops.lazySet(ops.get() + 1);
        bytes.lazySet(bytes.get() + payload);
    }

    /** Echoed bytes that arrived in the window (stream mode, which has no per-message latency). */
    void addBytes(int count) {
        bytes.lazySet(bytes.get() + count);
    }

    long ops() {
        return ops.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** The latencies; only once the loop has stopped. */
    Histogram latency() {
        return latency;
    }

    /** Adds a worker to check on every tick; on this loop's thread. */
    void register(Worker worker) {
        workers.add(worker);
    }

    /** Lets every worker of this loop check its timeouts; on this loop's thread. */
    void tick() {
        long now = System.nanoTime();
        for (Worker worker : workers) {
            worker.tick(now);
        }
    }
}
