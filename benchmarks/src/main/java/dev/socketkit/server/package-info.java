/**
 * JMH benchmarks of the echo and welcome servers' stream pipeline and of the harness's own overhead. They live in the
 * server's package so that they can build the pipeline from the package-private handlers {@code Server} installs.
 */
package dev.socketkit.server;
