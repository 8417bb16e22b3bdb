/**
 * The load generator behind {@code socketkit bench}: drives many connections to an echo server from one Netty
 * event-loop group, verifies every echoed byte, and measures throughput and latency with HdrHistogram.
 *
 * <p>{@link dev.socketkit.loadgen.Bench} checks a {@link dev.socketkit.loadgen.BenchConfig} and runs it; the result is
 * a {@link dev.socketkit.loadgen.BenchReport}, printed as a table or as one JSON object.
 */
package dev.socketkit.loadgen;
