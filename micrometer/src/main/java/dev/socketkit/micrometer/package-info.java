/**
 * Micrometer meters for a running socketkit server: {@link dev.socketkit.micrometer.SocketKitMetrics} binds a {@link
 * dev.socketkit.server.Server}'s {@link dev.socketkit.server.ServerStats} to any {@code MeterRegistry}.
 */
package dev.socketkit.micrometer;
