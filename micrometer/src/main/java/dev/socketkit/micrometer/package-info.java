/**
 * Micrometer meters for a running socketkit server: {@link dev.socketkit.micrometer.SocketKitMetrics} binds a {@link
 * dev.socketkit.server.Server}'s {@link dev.socketkit.server.ServerStats} to any {@code MeterRegistry}, and {@link
 * dev.socketkit.micrometer.HealthServer} serves an orchestrator's probes and a Prometheus scrape on a port of its own.
 */
package dev.socketkit.micrometer;
