package dev.socketkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a benchmark's configuration holds, and what it refuses before any socket is opened. */
class BenchConfigTest {
    @Test
    void theDefaultsAreOnePingpongConnectionToTheDefaultEndpoint() {
        BenchConfig config = BenchConfig.defaults();

        assertEquals(Mode.PINGPONG, config.mode());
        assertEquals(Endpoint.DEFAULT, config.endpoint());
        assertEquals(Io.AUTO, config.io());
        assertEquals(List.of(), config.socketOptions());
        assertEquals(1, config.connections());
        assertEquals(64, config.size());
        assertEquals(Duration.ofSeconds(10), config.duration());
        assertEquals(Duration.ofSeconds(1), config.warmup());
        assertEquals(0, config.rate());
        assertEquals(Duration.ofSeconds(5), config.timeout());
        assertEquals(Duration.ofMillis(200), config.datagramTimeout());
        assertEquals(1, config.threads(), "at most one thread per connection");
        assertEquals(Optional.empty(), config.proxyHeader());
        assertEquals(Optional.empty(), config.tls());
    }

    @Test
    void eachWithChangesOneValueOfACopy() {
        BenchConfig base = BenchConfig.defaults();
        BenchConfig changed = base.withConnections(8)
                .withSize(1024)
                .withThreads(3)
                .withSocketOption(SocketSetting.parse("SO_SNDBUF=64k"))
                .withSocketOption(SocketSetting.parse("SO_SNDBUF=128k"))
                .withProxyHeader(ProxyVersion.V2);

        assertEquals(1, base.connections());
        assertEquals(8, changed.connections());
        assertEquals(1024, changed.size());
        assertEquals(3, changed.threads());
        assertEquals(List.of(SocketSetting.parse("SO_SNDBUF=128k")), changed.socketOptions(), "the later one wins");
        assertEquals(Optional.of(ProxyVersion.V2), changed.proxyHeader());
        assertEquals(
                Math.min(Runtime.getRuntime().availableProcessors(), 8),
                base.withConnections(8).threads());
    }

    @Test
    void aTlsEndpointSpeaksTlsWithoutBeingToldHow() {
        BenchConfig config = BenchConfig.defaults().withEndpoint(Endpoint.tls("127.0.0.1", 8443));

        assertTrue(config.tls().isPresent());
        assertFalse(BenchConfig.defaults().tls().isPresent());
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("connection count 0", (UnaryOperator<BenchConfig>) c -> c.withConnections(0)),
                Arguments.of("connection count 100001", (UnaryOperator<BenchConfig>) c -> c.withConnections(100_001)),
                Arguments.of("message size 0", (UnaryOperator<BenchConfig>) c -> c.withSize(0)),
                Arguments.of("duration PT0S", (UnaryOperator<BenchConfig>) c -> c.withDuration(Duration.ZERO)),
                Arguments.of("warmup PT-1S", (UnaryOperator<BenchConfig>) c -> c.withWarmup(Duration.ofSeconds(-1))),
                Arguments.of("rate -1", (UnaryOperator<BenchConfig>) c -> c.withRate(-1)),
                Arguments.of("timeout PT0S", (UnaryOperator<BenchConfig>) c -> c.withTimeout(Duration.ZERO)),
                Arguments.of("datagram timeout PT0S", (UnaryOperator<BenchConfig>)
                        c -> c.withDatagramTimeout(Duration.ZERO)),
                Arguments.of("thread count 1025", (UnaryOperator<BenchConfig>) c -> c.withThreads(1025)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRange")
    void aValueOutOfRangeIsRefusedAsItIsSet(String named, UnaryOperator<BenchConfig> change) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> change.apply(BenchConfig.defaults()));

        assertTrue(refused.getMessage().startsWith(named), refused.getMessage());
    }

    static Stream<Arguments> misfits() {
        Endpoint udp = Endpoint.udp("127.0.0.1", 9);
        return Stream.of(
                Arguments.of(
                        "mode stream needs a stream endpoint",
                        BenchConfig.defaults().withEndpoint(udp).withMode(Mode.STREAM)),
                Arguments.of(
                        "mode connrate needs a stream endpoint",
                        BenchConfig.defaults().withEndpoint(udp).withMode(Mode.CONNRATE)),
                Arguments.of(
                        "a rate applies to mode pingpong, not stream",
                        BenchConfig.defaults().withMode(Mode.STREAM).withRate(10)),
                Arguments.of(
                        "a PROXY header applies to stream sockets",
                        BenchConfig.defaults().withEndpoint(udp).withProxyHeader(ProxyVersion.V1)),
                Arguments.of(
                        "TLS needs a stream endpoint",
                        BenchConfig.defaults().withEndpoint(udp).withTls(TlsConfig.client())),
                Arguments.of(
                        "message size 65508 is out of range 1-65507 on udp",
                        BenchConfig.defaults().withEndpoint(udp).withSize(65_508)),
                Arguments.of(
                        "TCP_NODELAY does not apply to udp",
                        BenchConfig.defaults()
                                .withEndpoint(udp)
                                .withSocketOption(SocketSetting.parse("TCP_NODELAY=true"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misfits")
    void whatDoesNotFitTogetherIsRefusedBeforeAnySocketOpens(String message, BenchConfig config) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Bench.prepare(config));

        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }

    @Test
    void aServerPidMustNameAProcessWhoseCpuTimeCanBeRead() {
        long self = ProcessHandle.current().pid();
        assertEquals(
                self, BenchConfig.defaults().withServerPid(self).serverPid().orElseThrow());
        assertTrue(ServerCpu.ticks(self) >= 0, "this JVM's own /proc/PID/stat parses");
        assertFalse(BenchConfig.defaults().serverPid().isPresent());
        assertEquals(
                "process id 0 is not positive",
                assertThrows(IllegalArgumentException.class, () -> BenchConfig.defaults()
                                .withServerPid(0))
                        .getMessage());
        // Above any pid_max Linux allows (2^22), so no such process.
        assertEquals(
                "no process 999999999 whose CPU time can be read (/proc/999999999/stat)",
                assertThrows(IllegalArgumentException.class, () -> BenchConfig.defaults()
                                .withServerPid(999_999_999))
                        .getMessage());
    }
}
