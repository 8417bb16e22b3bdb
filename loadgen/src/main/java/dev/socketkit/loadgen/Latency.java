package dev.socketkit.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a run, in microseconds. Recorded in nanoseconds with three significant digits, so every value
 * is within 0.1 % of the true one.
 *
 * @param samples operations measured
 * @param mean the mean
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param p999 the 99.9th percentile
 * @param max the largest
 */
public record Latency(long samples, double mean, double p50, double p90, double p99, double p999, double max) {
    private static final double NANOS_PER_MICRO = 1000.0;

    static Latency of(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(
                histogram.getTotalCount(),
                histogram.getMean() / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(50) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(90) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(99) / NANOS_PER_MICRO,
                histogram.getValueAtPercentile(99.9) / NANOS_PER_MICRO,
                histogram.getMaxValue() / NANOS_PER_MICRO);
    }
}
