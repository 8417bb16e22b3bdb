package dev.socketkit.loadgen;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What every worker of one run shares: the settings, the payloads, the outcome, each event loop's stats, and the latch
 * that counts finished workers. Built before any worker starts, and handed to the loops through their task queues, so
 * the loops see it fully built.
 */
final class Run {
    final BenchConfig config;
    final String endpoint;
    final Payloads payloads;
    final Outcome outcome = new Outcome();
    final CountDownLatch done;
    final long timeoutNanos;
    final long datagramTimeoutNanos;
    private final Map<EventExecutor, LoopStats> loops;

    Run(BenchConfig config, Payloads payloads, Map<EventExecutor, LoopStats> loops, int workers) {
        this.config = config;
        this.endpoint = config.endpoint().toString();
        this.payloads = payloads;
        this.loops = loops;
        this.done = new CountDownLatch(workers);
        this.timeoutNanos = config.timeout().toNanos();
        this.datagramTimeoutNanos = config.datagramTimeout().toNanos();
    }

    /** The stats of {@code loop}, written only on that loop's thread. */
    LoopStats stats(EventExecutor loop) {
        LoopStats stats = loops.get(loop);
        if (stats == null) {
            throw new IllegalStateException("no stats for event loop " + loop);
        }
        return stats;
    }

    /** The interval between one connection's messages under a rate, in nanoseconds; 0 without it. */
    double pacedIntervalNanos() {
        return config.rate() == 0 ? 0 : (double) Duration.ofSeconds(1).toNanos() * config.connections() / config.rate();
    }
}
