package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.net.Socket;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code socketkit relay --fault SPEC --seed N} as a real process: a fault's effect, the logged seed, bad input. */
@Timeout(60)
class RelayFaultsCommandIT {
    private SocketKitProcess socketkit;

    @AfterEach
    void stop() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void aFaultActsOnTheRelayedConnectionAndARandomSeedIsLogged() throws Exception {
        try (Server echo = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            socketkit = SocketKitProcess.start(
                    "relay", "tcp://127.0.0.1:0", echo.endpoint().toString(), "--fault", "limit_data:bytes=4");
            Endpoint relay = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
            try (Socket client = new Socket("127.0.0.1", relay.port())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write("pingpong".getBytes(US_ASCII));
                assertEquals("ping", new String(client.getInputStream().readAllBytes(), US_ASCII));
            }
            String seeded = socketkit.awaitStderrLine(line -> line.contains("faults seeded with"), START_TIMEOUT);
            assertTrue(seeded.matches(".*faults seeded with -?\\d+ \\(--seed -?\\d+ replays.*"), seeded);
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        }
    }

    @Test
    void helpShowsTheSyntaxWithExamples() throws Exception {
        socketkit = SocketKitProcess.start("relay", "--help");
        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        String help = String.join("\n", socketkit.stdout());
        assertTrue(help.contains("--fault TYPE[:DIRECTION][:ATTR=VALUE,...]"), help);
        assertTrue(help.contains("--fault latency:latency=100ms,jitter=10ms \\"), help);
        assertTrue(help.contains("--fault drop:both:rate=0.1 --seed 42"), help);
    }

    static Stream<Arguments> badInputs() {
        String tcp = "tcp://127.0.0.1:0";
        String target = "tcp://127.0.0.1:9";
        return Stream.of(
                Arguments.of(
                        List.of(tcp, target, "--fault", "lag"),
                        List.of("--fault lag: unknown fault 'lag'", "accepted: latency, bandwidth")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "latency:delay=1s"),
                        List.of("latency has no attribute 'delay'", "accepted: latency, jitter")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "latency:latency=2h"),
                        List.of("latency=2h is out of range", "0s to 1h")),
                Arguments.of(List.of(tcp, target, "--fault", "latency:latency=100"), List.of("'100' needs a unit")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "latency:sideways"),
                        List.of("'sideways' is not a fault direction", "upstream, downstream, both")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "drop:rate=0.3"),
                        List.of("fault 'drop' applies to datagram relays (udp, unixgram) only, not to a tcp relay")),
                Arguments.of(
                        List.of("udp://127.0.0.1:0", "udp://127.0.0.1:9", "--fault", "slicer"),
                        List.of("fault 'slicer' applies to stream relays (tcp, tls, unix) only, not to a udp relay")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "latency", "--fault", "latency:latency=1s"),
                        List.of("a fault named 'latency_downstream' is already there")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "drop:connections=0"),
                        List.of("connections=0 selects no connection")),
                Arguments.of(
                        List.of(tcp, target, "--fault", "latency", "--seed", "soon"),
                        List.of("--seed 'soon' is not a whole number")));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void refusesBadInputInOneLineWithExitTwo(List<String> args, List<String> phrases) throws Exception {
        socketkit = SocketKitProcess.start(
                Stream.concat(Stream.of("relay"), args.stream()).toArray(String[]::new));
        socketkit.assertRefused(EXIT_USAGE, phrases.toArray(String[]::new));
    }
}
