package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code socketkit serve} run as a real process: its listening line, echo, clean stop on signals, and its logs. */
@Timeout(60)
class ServeCommandIT {
    private static final Pattern LOOPBACK_TCP = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)");
    private static final int CLIENT_TIMEOUT_MILLIS = 5000;

    private SocketKitProcess socketkit;

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void printsOneListeningLineWithTheRealPortAndNothingElseOnStdout() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0");
        String endpoint = socketkit.awaitListening(START_TIMEOUT);
        int port = port(endpoint);
        assertNotEquals(0, port, "the listening line must show the real port, not 0");

        try (Socket client = connect(port)) {
            client.getOutputStream().write("ping".getBytes(US_ASCII));
            assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
        }
        socketkit.sigterm();

        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> socketkit.toString());
        assertEquals(List.of("listening tcp://127.0.0.1:" + port), socketkit.stdout());
    }

    @ParameterizedTest
    @EnumSource(StopSignal.class)
    void exitsZeroWithinTwoSecondsOfASignal(StopSignal signal) throws Exception {
        assumeFalse(
                signal == StopSignal.SIGINT && sigintIgnoredHere(),
                "SIGINT is ignored by this JVM (started in the background without job control), and a child would "
                        + "inherit that");
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0");
        int port = port(socketkit.awaitListening(START_TIMEOUT));

        try (Socket client = connect(port)) {
            client.getOutputStream().write('x');
            assertEquals('x', client.getInputStream().read(), "echo before the signal");

            long sent = System.nanoTime();
            signal.send(socketkit);
            boolean exited = socketkit.waitFor(3, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - sent);

            assertTrue(exited, () -> "no exit within 3 s of " + signal + "; " + socketkit);
            assertEquals(EXIT_OK, socketkit.exitValue(), () -> socketkit.toString());
            assertTrue(took.compareTo(Duration.ofSeconds(2)) <= 0, () -> "took " + took + " to stop");
        }
    }

    @Test
    void verboseLogsEachMessageOnStderrAndKeepsStdoutToTheListeningLine() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0", "-v");
        String endpoint = socketkit.awaitListening(START_TIMEOUT);

        try (Socket client = connect(port(endpoint))) {
            client.getOutputStream().write("hello".getBytes(US_ASCII));
            assertEquals("hello", new String(client.getInputStream().readNBytes(5), US_ASCII));
            socketkit.awaitStderrLine(line -> line.contains("DEBUG") && line.contains("hello"), START_TIMEOUT);
        }
        socketkit.sigterm();

        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> socketkit.toString());
        assertTrue(socketkit.stderr().stream().anyMatch(line -> line.contains("connected")), socketkit::toString);
        assertEquals(List.of("listening " + endpoint), socketkit.stdout());
    }

    @Test
    void debugShowsTheStackTraceThatTheDefaultHides() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();

            try (SocketKitProcess plain = SocketKitProcess.start("serve", "echo", endpoint)) {
                plain.assertRefused(EXIT_FAILURE, "address already in use: " + endpoint);
            }
            socketkit = SocketKitProcess.start("serve", "echo", endpoint, "--debug");

            assertEquals(EXIT_FAILURE, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> socketkit.toString());
            List<String> stderr = socketkit.stderr();
            assertFalse(stderr.isEmpty(), "stderr is empty");
            assertEquals("socketkit: address already in use: " + endpoint, stderr.get(0));
            assertTrue(
                    stderr.stream().anyMatch(line -> line.startsWith("\tat ")), () -> "no stack trace; " + socketkit);
            assertEquals(List.of(), socketkit.stdout());
        }
    }

    @Test
    void frameOverTheLimitClosesOnlyThatConnectionWithOneWarning() throws Exception {
        socketkit = SocketKitProcess.start(
                "serve", "echo", "tcp://127.0.0.1:0", "--framing", "line", "--max-frame-length", "16");
        int port = port(socketkit.awaitListening(START_TIMEOUT));

        try (Socket bystander = connect(port);
                Socket offender = connect(port)) {
            offender.getOutputStream().write("x".repeat(100).getBytes(US_ASCII));
            assertClosedByServer(offender);

            bystander.getOutputStream().write("ok\n".getBytes(US_ASCII));
            assertEquals("ok\n", new String(bystander.getInputStream().readNBytes(3), US_ASCII));

            String offenderAddress = "/127.0.0.1:" + offender.getLocalPort();
            String warning = socketkit.awaitStderrLine(line -> line.contains(" WARN "), START_TIMEOUT);
            String message = warning.substring(warning.indexOf(" WARN "));
            assertTrue(message.contains(offenderAddress), () -> "the warning must name " + offenderAddress);
            assertTrue(Pattern.compile("\\b16\\b").matcher(message).find(), "the warning must name the 16-byte limit");
        }
        socketkit.sigterm();

        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> socketkit.toString());
        assertEquals(
                1,
                socketkit.stderr().stream()
                        .filter(line -> line.contains(" WARN "))
                        .count(),
                () -> "exactly one WARN line; " + socketkit);
    }

    /** The signals that stop a server, and how a test sends each. */
    enum StopSignal {
        SIGTERM {
            @Override
            void send(SocketKitProcess process) {
                process.sigterm();
            }
        },
        SIGINT {
            @Override
            void send(SocketKitProcess process) throws IOException, InterruptedException {
                process.sigint();
            }
        };

        abstract void send(SocketKitProcess process) throws IOException, InterruptedException;
    }

    private static int port(String endpoint) {
        Matcher matcher = LOOPBACK_TCP.matcher(endpoint);
        assertTrue(matcher.matches(), () -> "not a tcp://127.0.0.1:PORT endpoint: " + endpoint);
        int port = Integer.parseInt(matcher.group(1));
        assertTrue(port <= 65535, () -> "no such port: " + port);
        return port;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(CLIENT_TIMEOUT_MILLIS);
        return socket;
    }

    /** Asserts that the server closed {@code socket}: end of stream, or a reset if it closed with data unread. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        try {
            int read = socket.getInputStream().read();
            assertEquals(-1, read, "expected the server to close the connection, but it sent data");
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within " + CLIENT_TIMEOUT_MILLIS + " ms");
        } catch (SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), () -> "unexpected: " + reset);
        }
    }

    /** Whether SIGINT is ignored by this JVM: a bit in {@code SigIgn} of /proc/self/status, which children inherit. */
    private static boolean sigintIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status, US_ASCII)) {
            if (line.startsWith("SigIgn:")) {
                long ignored = Long.parseUnsignedLong(
                        line.substring("SigIgn:".length()).strip(), 16);
                return (ignored & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }
}
