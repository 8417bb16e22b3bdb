/**
 * What the benchmarks share: the traffic a peer sends, cut into socket reads ({@link dev.socketkit.bench.Traffic}),
 * and the two ends of a pipeline without a socket ({@link dev.socketkit.bench.InboundSink}, {@link
 * dev.socketkit.bench.OutboundSink}).
 */
package dev.socketkit.bench;
