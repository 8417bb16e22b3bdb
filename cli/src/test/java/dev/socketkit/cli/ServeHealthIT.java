package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMEOUT;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code serve --health}, {@code --drain-delay} and {@code --drain-timeout} as an orchestrator sees them: a real process,
 * probed with curl as a kubelet probes, stopped with SIGTERM.
 */
@Timeout(90)
class ServeHealthIT {
    private static final Pattern HEALTH = Pattern.compile("health checks on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TCP = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)");

    private SocketKitProcess socketkit;

    @BeforeAll
    static void curlIsThere() {
        assumeTrue(SocketKitProcess.installed("curl"), "curl is not installed");
    }

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void probesAndMetricsOnAPortOfTheirOwn() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0", "--health", "127.0.0.1:0");
        int port = port(TCP, socketkit.awaitListening(START_TIMEOUT));
        int health = healthPort();
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.getOutputStream().write("ping".getBytes(US_ASCII));
            assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
        }
        assertEquals("200 live", curl(health, "/live"));
        assertEquals("200 ready", curl(health, "/ready"));
        assertEquals("404", curl(health, "/nothing").split(" ")[0]);
        assertEquals("405", curl(health, "/live", "-X", "POST").split(" ")[0]);
        String metrics = curl(health, "/metrics");
        String accepted = "socketkit_server_connections_accepted_connections_total{endpoint=\"tcp://127.0.0.1:" + port
                + "\"} 1.0";
        assertTrue(metrics.startsWith("200 "), metrics);
        assertTrue(metrics.lines().anyMatch(accepted::equals), () -> "no line " + accepted + " in " + metrics);
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
    }

    @Test
    void aUdpServerCanBeProbed() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "udp://127.0.0.1:0", "--health", "127.0.0.1:0");
        socketkit.awaitListening(START_TIMEOUT);
        assertEquals("200 ready", curl(healthPort(), "/ready"));
    }

    @Test
    void badHealthAddressesAreUsageErrors() throws Exception {
        String[][] cases = {
            {"nonsense", "--health"},
            {"127.0.0.1:70000", "70000"},
            {"udp://127.0.0.1:9090", "HOST:PORT"},
            {"tcp://127.0.0.1:9090", "HOST:PORT"},
        };
        for (String[] bad : cases) {
            try (SocketKitProcess refused = SocketKitProcess.start("serve", "echo", "--health", bad[0])) {
                refused.assertRefused(EXIT_USAGE, bad[1]);
            }
        }
    }

    @Test
    void aHealthPortInUseIsARuntimeFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0", "--health", address);
            socketkit.assertRefused(EXIT_FAILURE, "health checks on " + address, "address already in use");
        }
    }

    /**
     * The drain as Kubernetes needs it: SIGTERM turns readiness off at once, while the listener keeps accepting for the
     * drain delay (the endpoints controller has not yet taken the pod out); then it closes, and the process exits 0.
     */
    @Test
    void sigtermTurnsReadinessOffAndKeepsAcceptingForTheDrainDelay() throws Exception {
        socketkit = SocketKitProcess.start(
                "serve", "echo", "tcp://127.0.0.1:0", "--health", "127.0.0.1:0", "--drain-delay", "8s");
        int port = port(TCP, socketkit.awaitListening(START_TIMEOUT));
        int health = healthPort();
        assertEquals("200 ready", curl(health, "/ready"));

        socketkit.sigterm();
        socketkit.awaitStderrLine(
                line -> line.contains("draining tcp://127.0.0.1:" + port + ": listeners close in 8s"), START_TIMEOUT);
        assertEquals("503 not ready", curl(health, "/ready"));
        assertEquals("200 live", curl(health, "/live"));
        try (Socket late = new Socket("127.0.0.1", port)) {
            late.getOutputStream().write("late".getBytes(US_ASCII));
            assertEquals("late", new String(late.getInputStream().readNBytes(4), US_ASCII), "accepted in the delay");
        }
        assertTrue(refusesWithin(port, Duration.ofSeconds(30)), "the listener must close after the delay");
        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
        assertTrue(
                socketkit.stderr().stream().anyMatch(line -> line.contains("stopped tcp://127.0.0.1:" + port)),
                socketkit::toString);
    }

    /**
     * After the listener closes, a connection that finishes in time is let go, and one kept busy past the drain timeout
     * (its peer never reads the echo, so the server's writes wait) is closed: the stop line counts both.
     */
    @Test
    void aConnectionBusyPastTheDrainTimeoutIsClosed() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0", "--drain-timeout", "1s");
        int port = port(TCP, socketkit.awaitListening(START_TIMEOUT));
        try (Socket quiet = new Socket("127.0.0.1", port);
                SocketChannel busy = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            quiet.getOutputStream().write('x');
            assertEquals('x', quiet.getInputStream().read());
            fillUntilTheServerStopsReading(busy);

            socketkit.sigterm();
            assertTrue(socketkit.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), socketkit::toString);
            assertEquals(EXIT_OK, socketkit.exitValue(), socketkit::toString);
            String stopped = socketkit.stderr().stream()
                    .filter(line -> line.contains("stopped tcp://127.0.0.1:" + port))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no stop line; " + socketkit));
            assertTrue(stopped.contains("of 2 open connections, 1 finished, 1 closed at the drain timeout"), stopped);
            List<String> draining = socketkit.stderr().stream()
                    .filter(line -> line.contains("draining tcp://127.0.0.1:" + port
                            + ": listeners close now, then open connections have 1s to finish"))
                    .toList();
            assertEquals(1, draining.size(), socketkit::toString);
        }
    }

    /** Writes without reading until the socket takes no more: the server, unable to write its echo, stops reading. */
    private static void fillUntilTheServerStopsReading(SocketChannel channel) throws Exception {
        channel.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int refusals = 0;
        long sent = 0;
        while (refusals < 20 && sent < 256L * 1024 * 1024) {
            assertTrue(System.nanoTime() - deadline < 0, "the server kept reading " + sent + " bytes");
            chunk.clear();
            int written = channel.write(chunk);
            sent += written;
            if (written == 0) {
                refusals++;
                Thread.sleep(10); // a refusal only: full buffers stay full
            } else {
                refusals = 0;
            }
        }
    }

    /** Whether connecting to {@code port} is refused, tried until {@code wait} has passed. */
    private static boolean refusesWithin(int port, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                new Socket("127.0.0.1", port).close();
                Thread.sleep(50);
            } catch (ConnectException refused) {
                return true;
            }
        }
        return false;
    }

    private int healthPort() throws InterruptedException {
        return port(
                HEALTH, socketkit.awaitStderrLine(line -> HEALTH.matcher(line).find(), START_TIMEOUT));
    }

    private static int port(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.find(), () -> "no port in " + text);
        return Integer.parseInt(m.group(1));
    }

    /** {@code curl}'s status code, a space and the body, as a probe sees them. */
    private static String curl(int port, String path, String... more) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("curl", "-s", "--max-time", "10", "-w", "%{http_code}\\n", "-o", "-"));
        command.addAll(List.of(more));
        command.add("http://127.0.0.1:" + port + path);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), US_ASCII);
        assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl did not finish");
        String[] lines = out.split("\n", -1);
        String status = lines[lines.length - 2];
        String body = String.join("\n", List.of(lines).subList(0, lines.length - 2));
        return body.isEmpty() ? status : status + " " + body;
    }
}
