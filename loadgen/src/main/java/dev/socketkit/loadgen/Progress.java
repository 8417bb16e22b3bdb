package dev.socketkit.loadgen;

/**
 * A look at a running benchmark, taken about once a second for the live progress line.
 *
 * @param measuring false during the warmup
 * @param seconds seconds into the current phase
 * @param opsPerSecond operations completed per second since the previous look (0 during the warmup)
 * @param megabytesPerSecond echoed payload per second since the previous look, in 10^6 bytes
 * @param errors errors so far
 * @param mismatches mismatches so far
 */
public record Progress(
        boolean measuring,
        double seconds,
        double opsPerSecond,
        double megabytesPerSecond,
        long errors,
        long mismatches) {

    /** Receives progress while a benchmark runs; called on the thread that runs it. */
    @FunctionalInterface
    public interface Listener {
        /**
         * The benchmark's state now.
         *
         * @param progress the latest look at the running benchmark
         */
        void update(Progress progress);
    }
}
