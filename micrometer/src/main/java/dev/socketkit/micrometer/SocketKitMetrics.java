package dev.socketkit.micrometer;

import dev.socketkit.server.Guard;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a running {@link Server}'s counters to a Micrometer registry. Every meter reads {@link Server#stats()} when the
 * registry asks, so nothing is added to the server's hot path, and is tagged with the server's endpoint plus any tags
 * given here:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code socketkit.server.connections.open}</td><td>gauge</td><td>stream connections open now</td></tr>
 *   <tr><td>{@code socketkit.server.connections.accepted}</td><td>counter</td><td>stream connections accepted</td></tr>
 *   <tr><td>{@code socketkit.server.bytes}</td><td>counter, tag {@code direction} in/out</td>
 *       <td>bytes read from and written to sockets</td></tr>
 *   <tr><td>{@code socketkit.server.frames}</td><td>counter, tag {@code direction} in/out</td>
 *       <td>frames (datagrams) read and written</td></tr>
 *   <tr><td>{@code socketkit.server.datagrams.dropped}</td><td>counter</td><td>datagrams not answered</td></tr>
 *   <tr><td>{@code socketkit.server.failures}</td><td>counter</td>
 *       <td>connections closed or datagrams given up because a handler or the socket failed</td></tr>
 *   <tr><td>{@code socketkit.server.guarded}</td><td>counter, tag {@code guard} ({@link Guard#id()}:
 *       {@code connection-limit}, {@code idle-timeout}, {@code datagram-rate}, ...)</td>
 *       <td>connections a protection closed or refused, datagrams it dropped</td></tr>
 * </table>
 *
 * <pre>{@code
 * Server server = Server.start(config);
 * new SocketKitMetrics(server, Tags.of("service", "ingest")).bindTo(registry);
 * }</pre>
 *
 * <p>The meters hold the server strongly (Micrometer's function meters would otherwise lose it to the garbage
 * collector); remove them from the registry when the server is closed, if the registry outlives it.
 */
public final class SocketKitMetrics implements MeterBinder {
    private final Server server;
    private final Tags tags;

    /**
     * Meters for {@code server}, tagged with its endpoint.
     *
     * @param server the running server
     */
    public SocketKitMetrics(Server server) {
        this(server, Tags.empty());
    }

    /**
     * Meters for {@code server}, tagged with its endpoint and {@code extraTags}.
     *
     * @param server the running server
     * @param extraTags more tags for every meter, such as the service's name
     */
    public SocketKitMetrics(Server server, Iterable<Tag> extraTags) {
        this.server = Objects.requireNonNull(server, "server");
        this.tags = Tags.of("endpoint", server.endpoint().toString()).and(extraTags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("socketkit.server.connections.open", server, s -> s.stats()
                        .openConnections())
                .description("Stream connections open now")
                .baseUnit(BaseUnits.CONNECTIONS)
                .tags(tags)
                .strongReference(true)
                .register(registry);
        counter(
                registry,
                "socketkit.server.connections.accepted",
                "Stream connections accepted",
                BaseUnits.CONNECTIONS,
                Tags.empty(),
                ServerStats::acceptedConnections);
        counter(
                registry,
                "socketkit.server.bytes",
                "Bytes read from sockets",
                BaseUnits.BYTES,
                Tags.of("direction", "in"),
                ServerStats::bytesIn);
        counter(
                registry,
                "socketkit.server.bytes",
                "Bytes written to sockets",
                BaseUnits.BYTES,
                Tags.of("direction", "out"),
                ServerStats::bytesOut);
        counter(
                registry,
                "socketkit.server.frames",
                "Frames (datagrams) read",
                "frames",
                Tags.of("direction", "in"),
                ServerStats::framesIn);
        counter(
                registry,
                "socketkit.server.frames",
                "Frames (datagrams) written",
                "frames",
                Tags.of("direction", "out"),
                ServerStats::framesOut);
        counter(
                registry,
                "socketkit.server.datagrams.dropped",
                "Datagrams not answered",
                "datagrams",
                Tags.empty(),
                ServerStats::droppedDatagrams);
        counter(
                registry,
                "socketkit.server.failures",
                "Connections closed or datagrams given up because a handler or the socket failed",
                "failures",
                Tags.empty(),
                ServerStats::failures);
        for (Guard guard : Guard.values()) {
            counter(
                    registry,
                    "socketkit.server.guarded",
                    "Connections closed or refused, or datagrams dropped, by a protection: " + guard.description(),
                    guard.isDatagramGuard() ? "datagrams" : BaseUnits.CONNECTIONS,
                    Tags.of("guard", guard.id()),
                    stats -> stats.count(guard));
        }
    }

    private void counter(
            MeterRegistry registry,
            String name,
            String description,
            String unit,
            Tags more,
            ToDoubleFunction<ServerStats> value) {
        // The function, which the meter holds strongly, reads the field: FunctionCounter keeps its object only weakly.
        FunctionCounter.builder(name, server, unused -> value.applyAsDouble(server.stats()))
                .description(description)
                .baseUnit(unit)
                .tags(tags.and(more))
                .register(registry);
    }
}
