package dev.socketkit.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.codec.Framing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters read a real server's counters, tagged with its endpoint. */
@Timeout(30)
class SocketKitMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void metersFollowTheServersCounters() throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
                .withFraming(Framing.line(1024));
        try (Server server = Server.start(config)) {
            new SocketKitMetrics(server, Tags.of("service", "test")).bindTo(registry);
            String endpoint = server.endpoint().toString();
            try (Client client = Client.connect(ClientConfig.defaults()
                    .withEndpoint(server.endpoint())
                    .withFraming(Framing.line(1024))
                    .withReadTimeout(Duration.ofSeconds(10)))) {
                assertEquals("hello\n", client.request("hello\n"));
                assertEquals(1.0, gauge("socketkit.server.connections.open", endpoint));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.stats().openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0.0, gauge("socketkit.server.connections.open", endpoint));
            assertEquals(1.0, counter("socketkit.server.connections.accepted", endpoint, null));
            assertEquals(6.0, counter("socketkit.server.bytes", endpoint, "in"));
            assertEquals(6.0, counter("socketkit.server.bytes", endpoint, "out"));
            assertEquals(1.0, counter("socketkit.server.frames", endpoint, "in"));
            assertEquals(1.0, counter("socketkit.server.frames", endpoint, "out"));
            assertEquals(0.0, counter("socketkit.server.datagrams.dropped", endpoint, null));
            assertEquals(0.0, counter("socketkit.server.failures", endpoint, null));
        }
    }

    @Test
    void aGuardsActionsAreCountedUnderItsTag() throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
                .withMaxConnections(1);
        try (Server server = Server.start(config)) {
            new SocketKitMetrics(server, Tags.of("service", "test")).bindTo(registry);
            String endpoint = server.endpoint().toString();
            try (Client first = Client.connect(
                    ClientConfig.defaults().withEndpoint(server.endpoint()).withReadTimeout(Duration.ofSeconds(10)))) {
                // Served before the second connects: two connections accepted in one batch may take the one place in
                // either order, and the rule under test is only that the one over the limit is closed.
                assertEquals("hi", first.request("hi"));
                try (Socket second =
                        new Socket(server.endpoint().host(), server.endpoint().port())) {
                    second.setSoTimeout(10_000);
                    assertEquals(-1, second.getInputStream().read(), "the second connection should be closed at once");
                }
            }
            var refused = registry.get("socketkit.server.guarded")
                    .tag("endpoint", endpoint)
                    .tag("guard", "connection-limit")
                    .functionCounter();
            assertEquals(1.0, refused.count());
            var idle = registry.get("socketkit.server.guarded")
                    .tag("endpoint", endpoint)
                    .tag("guard", "idle-timeout")
                    .functionCounter();
            assertEquals(0.0, idle.count());
        }
    }

    private double gauge(String name, String endpoint) {
        return registry.get(name)
                .tag("endpoint", endpoint)
                .tag("service", "test")
                .gauge()
                .value();
    }

    private double counter(String name, String endpoint, String direction) {
        var search = registry.get(name).tag("endpoint", endpoint).tag("service", "test");
        if (direction != null) {
            search = search.tag("direction", direction);
        }
        return search.functionCounter().count();
    }
}
