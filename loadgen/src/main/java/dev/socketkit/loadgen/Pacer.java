package dev.socketkit.loadgen;

/**
 * The fixed schedule of one connection's sends under a rate ({@link BenchConfig#withRate}), as wrk2 keeps it: send
 * {@code k} is due at {@code first + k * interval} whatever happened before, and its latency is measured from that due
 * time. A server that stalls therefore shows the wait of every send it delayed, rather than one slow sample
 * (coordinated omission).
 */
final class Pacer {
    private final long first;
    private final double intervalNanos;
    private long sends;

    /**
     * Connection {@code index} of {@code connections} starts {@code index / connections} of an interval after {@code
     * start}, so the connections' sends are spread evenly.
     */
    Pacer(long start, double intervalNanos, int index, int connections) {
        this.first = start + (long) (intervalNanos * index / connections);
        this.intervalNanos = intervalNanos;
    }

    /** When the next send is due ({@link System#nanoTime()} terms). */
    long next() {
        return first + (long) (sends++ * intervalNanos);
    }
}
