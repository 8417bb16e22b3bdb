/**
 * The load generator behind {@code socketkit bench}, for any echo server on any socket kind: it drives many
 * connections from one Netty event-loop group, verifies every echoed byte, and measures throughput and latency
 * percentiles with HdrHistogram.
 *
 * <p>A {@link dev.socketkit.loadgen.BenchConfig} says what to run; {@link dev.socketkit.loadgen.Bench#prepare} checks
 * it without opening a socket, and {@link dev.socketkit.loadgen.Bench#run()} runs it on the calling thread and returns
 * a {@link dev.socketkit.loadgen.BenchReport}, which also writes itself as a table or as one JSON object:
 *
 * <pre>{@code
 * BenchReport report = Bench.prepare(BenchConfig.defaults()
 *                 .withEndpoint(Endpoint.parse("tcp://127.0.0.1:8090"))
 *                 .withConnections(16)
 *                 .withDuration(Duration.ofSeconds(5)))
 *         .run();
 * if (!report.ok()) {
 *     throw new AssertionError(report.errorSamples());
 * }
 * System.out.printf("%.0f round trips/s, p99 %.1f us%n", report.opsPerSecond(), report.latency().p99());
 * }</pre>
 *
 * <p>Only operations that complete inside the measured window count; errors, mismatches and datagram loss count over
 * the whole run. A run in which nothing completed is not a measurement: it reports an error.
 */
package dev.socketkit.loadgen;
