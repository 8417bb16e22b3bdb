package dev.socketkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generator run from Java, as a benchmark or a test would run it, against a real socketkit echo server. */
@Timeout(60)
class BenchTest {
    @ParameterizedTest(name = "{0} {1}, {2} connections of {3} bytes")
    @CsvSource({
        "TCP, PINGPONG, 4, 64",
        "TCP, STREAM, 2, 16384",
        "TCP, CONNRATE, 2, 64",
        "UDP, PINGPONG, 2, 64",
        "UNIX, PINGPONG, 2, 64"
    })
    void aOneSecondRunCountsVerifiedEchoesAndNoProblems(SocketKind kind, Mode mode, int connections, int size)
            throws Exception {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.anyLocal(kind)))) {
            BenchConfig config = BenchConfig.defaults()
                    .withEndpoint(server.endpoint())
                    .withMode(mode)
                    .withConnections(connections)
                    .withSize(size)
                    .withWarmup(Duration.ZERO)
                    .withDuration(Duration.ofSeconds(1));

            BenchReport report = Bench.prepare(config).run();

            assertTrue(report.ok(), report::toText);
            assertEquals(0, report.errors(), report::toText);
            assertEquals(0, report.mismatches(), report::toText);
            assertTrue(report.ops() > 0, report::toText);
            assertTrue(report.bytes() >= report.ops() * size, report::toText);
            // What the report counts went through the server: it read every byte that came back, and more.
            long served = server.stats().bytesIn();
            assertTrue(served >= report.bytes(), () -> served + " bytes served; " + report.toText());
            assertEquals(mode, report.mode());
            assertEquals(server.endpoint().toString(), report.endpoint());
            assertEquals(connections, report.connections());
            assertEquals(mode == Mode.STREAM, report.latency() == null, report::toText);
            if (report.latency() != null) {
                assertTrue(report.latency().samples() > 0, report::toText);
            }
        }
    }
}
