package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code socketkit bench} against socketkit's echo server on every socket kind, against servers that corrupt or never
 * answer, and with bad input. Runs in this JVM (through the same command line as {@code Main}), so Netty's paranoid
 * leak detection watches the load generator itself; one test runs the jar as a process for the stdout contract. Every
 * run is bounded by {@code --duration} (a few hundred milliseconds) plus its timeouts; nothing asserts on speed.
 */
@Timeout(60)
class BenchCommandIT {
    /** A short run: a window of 300 ms after 200 ms of warmup, so a slow first round trip cannot leave it empty. */
    private static final List<String> SHORT = List.of("--duration", "300ms", "--warmup", "200ms", "--json");
    /**
     * Connrate's window: each cycle is a new connection, whose setup costs tens of ms of CPU in a JVM this young, and
     * under a load average of 15 on two cores this process gets about an eighth of a core; in 300 ms that is less than
     * one cycle (seen: none completed). Two seconds give it some 250 ms of CPU, several cold cycles' worth.
     */
    private static final List<String> CONNRATE_WINDOW = List.of("--duration", "2s", "--warmup", "200ms", "--json");

    @TempDir
    Path dir;

    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private String echo(String endpoint) {
        Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.parse(endpoint)));
        servers.add(server);
        return server.endpoint().toString();
    }

    private String echo(String kind, String name) {
        return switch (kind) {
            case "tcp" -> echo("tcp://127.0.0.1:0");
            case "udp" -> echo("udp://127.0.0.1:0");
            default -> echo(kind + "://" + dir.resolve(name));
        };
    }

    /** What one in-process run printed, and its exit status. */
    private record Result(int status, String out, String err) {
        Map<String, Object> json() {
            assertEquals(1, out.lines().count(), () -> "stdout must be one JSON line: " + this);
            return Json.object(out.strip());
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private static Result bench(List<String> options, String... args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        all.addAll(options);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }

    private static double number(Map<String, Object> json, String field) {
        Object value = json.get(field);
        assertTrue(value instanceof Double, () -> field + " must be a number in " + json);
        return (Double) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> latency(Map<String, Object> json) {
        assertTrue(json.get("latency_us") instanceof Map, () -> "latency_us must be an object in " + json);
        return (Map<String, Object>) json.get("latency_us");
    }

    /** A clean run: exit 0, nothing on stderr, operations done, every echo verified, and the fields a script reads. */
    private static Map<String, Object> assertClean(Result result, String mode, String endpoint) {
        return assertClean(result, mode, endpoint, 0.3);
    }

    private static Map<String, Object> assertClean(Result result, String mode, String endpoint, double seconds) {
        assertEquals(0, result.status(), result::toString);
        assertEquals("", result.err(), result::toString);
        Map<String, Object> json = result.json();
        assertEquals(mode, json.get("mode"));
        assertEquals(endpoint, json.get("endpoint"));
        assertTrue(number(json, "ops") > 0, () -> "no operation in " + json);
        assertTrue(number(json, "ops_per_sec") > 0, json::toString);
        assertTrue(number(json, "bytes") > 0, json::toString);
        assertTrue(number(json, "mb_per_sec") > 0, json::toString);
        assertEquals(seconds, number(json, "duration_s"), 1e-9);
        assertEquals(0.0, number(json, "errors"), json::toString);
        assertEquals(0.0, number(json, "mismatches"), json::toString);
        assertEquals(List.of(), json.get("error_samples"));
        assertEquals(Boolean.TRUE, json.get("ok"));
        return json;
    }

    private static void assertLatencies(Map<String, Object> json) {
        Map<String, Object> latency = latency(json);
        assertEquals(number(json, "ops"), number(latency, "samples"), "one latency per operation");
        double p50 = number(latency, "p50");
        assertTrue(p50 > 0, latency::toString);
        assertTrue(p50 <= number(latency, "p90"), latency::toString);
        assertTrue(number(latency, "p90") <= number(latency, "p99"), latency::toString);
        assertTrue(number(latency, "p99") <= number(latency, "p999"), latency::toString);
        assertTrue(number(latency, "p999") <= number(latency, "max"), latency::toString);
    }

    @ParameterizedTest(name = "pingpong over {0}")
    @ValueSource(strings = {"tcp", "udp", "unix", "unixgram"})
    void pingpongVerifiesEveryEchoOnEverySocketKind(String kind) {
        String endpoint = echo(kind, "pingpong.sock");

        Map<String, Object> json =
                assertClean(bench(SHORT, endpoint, "--connections", "3", "--size", "100"), "pingpong", endpoint);

        assertEquals(3.0, number(json, "connections"));
        assertEquals(100.0, number(json, "size"));
        assertEquals(number(json, "ops") * 100, number(json, "bytes"), "bytes are whole echoed messages");
        assertLatencies(json);
    }

    @ParameterizedTest(name = "stream over {0}")
    @ValueSource(strings = {"tcp", "unix"})
    void streamVerifiesTheEchoedStream(String kind) {
        String endpoint = echo(kind, "stream.sock");

        Map<String, Object> json =
                assertClean(bench(SHORT, endpoint, "--mode", "stream", "-c", "2", "--size", "1k"), "stream", endpoint);

        assertEquals(1024.0, number(json, "size"));
        assertNull(json.get("latency_us"), "stream mode has no per-message latency");
    }

    @ParameterizedTest(name = "connrate over {0}")
    @ValueSource(strings = {"tcp", "unix"})
    void connrateConnectsVerifiesAndCloses(String kind) {
        String endpoint = echo(kind, "connrate.sock");

        Map<String, Object> json = assertClean(
                bench(CONNRATE_WINDOW, endpoint, "--mode", "connrate", "-c", "2"), "connrate", endpoint, 2.0);

        assertLatencies(json);
    }

    @Test
    void aFixedRateNeverSendsAheadOfItsSchedule() {
        String endpoint = echo("tcp://127.0.0.1:0");

        // 200 messages/s over 2 connections for 0.2 s of warmup and 0.3 s of window: the schedule has at most 100
        // sends due before the end (plus one per connection at the edge), so no more can complete in the window,
        // however fast or slow the server is. Unpaced, the same server does thousands.
        Map<String, Object> json =
                assertClean(bench(SHORT, endpoint, "--rate", "200", "--connections", "2"), "pingpong", endpoint);

        assertEquals(200.0, number(json, "rate"));
        assertTrue(number(json, "ops") <= 102, () -> "more sends than the schedule has: " + json);
        assertLatencies(json);
    }

    @Test
    void withoutJsonTheReportIsATable() {
        String endpoint = echo("tcp://127.0.0.1:0");

        Result result = bench(List.of("--duration", "200ms", "--warmup", "200ms"), endpoint);

        assertEquals(0, result.status(), result::toString);
        assertEquals("", result.err(), result::toString);
        assertTrue(result.out().contains("round trips"), result::toString);
        assertTrue(result.out().contains("latency us"), result::toString);
        assertTrue(result.out().contains("errors 0, mismatches 0"), result::toString);
    }

    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"pingpong", "stream", "connrate"})
    void aCorruptedEchoIsCaughtAndExitsOneAfterTheReport(String mode) throws Exception {
        FaultyEchoServer server = FaultyEchoServer.corruptingTcp();
        servers.add(server);

        Result result = bench(SHORT, server.endpoint(), "--mode", mode);

        assertEquals(1, result.status(), result::toString);
        Map<String, Object> json = result.json();
        assertTrue(number(json, "mismatches") > 0, json::toString);
        assertEquals(Boolean.FALSE, json.get("ok"));
        assertEquals(0.0, number(json, "errors"), json::toString);
        assertEquals(1, result.errLines().size(), result::toString);
        assertTrue(result.errLines().get(0).startsWith("socketkit: "), result::toString);
        assertTrue(result.errLines().get(0).contains("mismatch"), result::toString);
    }

    @Test
    void aCorruptedDatagramIsCaught() throws Exception {
        FaultyEchoServer server = FaultyEchoServer.corruptingUdp();
        servers.add(server);

        Result result = bench(SHORT, server.endpoint(), "--size", "32");

        assertEquals(1, result.status(), result::toString);
        Map<String, Object> json = result.json();
        assertTrue(number(json, "mismatches") > 0, json::toString);
        assertEquals(0.0, number(json, "ops"), "no corrupted echo counts as a round trip");
    }

    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"pingpong", "stream", "connrate"})
    void aServerThatNeverAnswersIsAStallNotAHang(String mode) throws Exception {
        FaultyEchoServer server = FaultyEchoServer.silentTcp();
        servers.add(server);

        Result result = bench(SHORT, server.endpoint(), "--mode", mode, "--timeout", "300ms");

        assertEquals(1, result.status(), result::toString);
        Map<String, Object> json = result.json();
        assertTrue(number(json, "errors") >= 1, json::toString);
        assertEquals(0.0, number(json, "ops"), json::toString);
        assertTrue(json.get("error_samples").toString().contains("no echo"), json::toString);
    }

    @Test
    void aRefusedConnectionIsOneLineAndExitOne() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        Result result = bench(SHORT, "tcp://127.0.0.1:" + port);

        assertEquals(1, result.status(), result::toString);
        assertEquals("", result.out(), "no report when nothing could be measured");
        assertEquals(List.of("socketkit: connection refused: tcp://127.0.0.1:" + port), result.errLines());
    }

    @Test
    void aMissingSocketFileIsOneLineAndExitOne() {
        String endpoint = "unix://" + dir.resolve("nobody.sock");

        Result result = bench(SHORT, endpoint);

        assertEquals(1, result.status(), result::toString);
        assertEquals(List.of("socketkit: no such socket file: " + endpoint), result.errLines());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "--size 0|--size",
                "--size 65508 --udp|--size",
                "--connections 0|--connections",
                "--connections -3|--connections",
                "--connections 100001|--connections",
                "--rate -1|--rate",
                "--rate 0|--rate",
                "--duration 0|--duration",
                "--duration soon|--duration",
                "--warmup -1s|--warmup",
                "--timeout 0|--timeout",
                "--datagram-timeout 0|--datagram-timeout",
                "--datagram-timeout soon|--datagram-timeout",
                "--threads 0|--threads",
                "--threads 1025|--threads",
                "--server-pid 0|--server-pid",
                "--server-pid 999999999|--server-pid 999999999: no process 999999999",
                "--mode bogus|--mode",
                "--mode stream --udp|stream",
                "--mode connrate --udp|connrate",
                "--mode stream --rate 10|--rate",
                "--io bogus|--io",
                "--sockopt NOPE=1|--sockopt",
                "--bad-endpoint|bad endpoint"
            })
    void badInputIsExitTwoWithOneLineNamingIt(String spec) {
        String[] parts = spec.split("\\|");
        List<String> args = new ArrayList<>(List.of(parts[0].split(" ")));
        String endpoint = "tcp://127.0.0.1:9";
        if (args.remove("--udp")) {
            endpoint = "udp://127.0.0.1:9";
        }
        if (args.remove("--bad-endpoint")) {
            endpoint = "tcp://127.0.0.1:99999";
        }

        Result result = bench(args, endpoint);

        assertEquals(2, result.status(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals(1, result.errLines().size(), result::toString);
        String line = result.errLines().get(0);
        assertTrue(line.startsWith("socketkit: "), result::toString);
        assertTrue(line.contains(parts[1]), () -> "must name " + parts[1] + ": " + result);
    }

    @Test
    void asAProcessStdoutIsExactlyTheJsonReport() throws Exception {
        String endpoint = echo("tcp://127.0.0.1:0");
        // A whole second of warmup: a fresh JVM on a busy machine can take that long over its first round trips.
        try (SocketKitProcess socketkit = SocketKitProcess.start(
                "bench", endpoint, "--duration", "300ms", "--warmup", "1s", "--json", "-c", "2")) {
            assertEquals(0, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
            assertEquals(List.of(), socketkit.stderr(), socketkit::toString);
            assertEquals(1, socketkit.stdout().size(), socketkit::toString);
            Map<String, Object> json = Json.object(socketkit.stdout().get(0));
            assertTrue(number(json, "ops") > 0, json::toString);
            assertEquals(Boolean.TRUE, json.get("ok"));
        }
    }

    /**
     * The server runs as a process of its own, so its CPU time is its own: the report gives it, and the work divided by
     * it, the figure that compares servers measured alike.
     */
    @Test
    void withServerPidTheReportGivesTheServersCpuAndTheWorkPerServerCpuSecond() throws Exception {
        try (SocketKitProcess serve = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0", "-q")) {
            String endpoint = serve.awaitListening(SocketKitProcess.START_TIMEOUT);
            List<String> options = new ArrayList<>(SHORT);
            options.addAll(List.of("-c", "4", "--server-pid", Long.toString(serve.pid())));

            Map<String, Object> json = assertClean(bench(options, endpoint), "pingpong", endpoint);

            double cpu = number(json, "server_cpu_pct");
            assertTrue(cpu > 0, () -> "the echo server worked during the window: " + json);
            double expected = number(json, "ops") / (number(json, "duration_s") * cpu / 100);
            // Within the rounding of the JSON's three decimals, of the CPU percentage above all.
            assertEquals(expected, number(json, "ops_per_server_cpu_s"), expected * 1e-3, json::toString);
        }
    }

    @Test
    void asAProcessBadInputIsRefusedBeforeAnythingRuns() throws Exception {
        try (SocketKitProcess socketkit = SocketKitProcess.start("bench", "tcp://127.0.0.1:9", "--size", "0")) {
            socketkit.assertRefused(SocketKitProcess.EXIT_USAGE, "--size", "0");
        }
    }
}
