package dev.socketkit.cli;

import static dev.socketkit.cli.OneByteEcho.connect;
import static dev.socketkit.cli.OneByteEcho.echoes;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code socketkit relay} against more connections than it has file descriptors for, under a real {@code prlimit}, and
 * against a memory cap: it refuses what its limit does not allow, survives running out of descriptors or memory, says
 * so by name, and recovers. The echo target runs in this JVM, outside the limit.
 */
@Timeout(90)
class RelayGuardsIT {
    /** Small enough to run out of quickly, large enough for the JVM, its jars and some connections. */
    private static final int OPEN_FILES = 256;

    private static final int CLIENTS = 300;

    private Server echo;
    private SocketKitProcess socketkit;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void startTarget() {
        echo = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        if (socketkit != null) {
            socketkit.close();
        }
        echo.close();
    }

    private SocketKitProcess relay(List<String> launcher, List<String> jvmOptions, String... options)
            throws IOException {
        List<String> args = new ArrayList<>(
                List.of("relay", "tcp://127.0.0.1:0", echo.endpoint().toString()));
        args.addAll(List.of(options));
        return SocketKitProcess.start(launcher, jvmOptions, args.toArray(String[]::new));
    }

    @Test
    void theDefaultLimitRefusesConnectionsBeforeDescriptorsRunOut() throws Exception {
        socketkit = relay(SocketKitProcess.prlimit(OPEN_FILES), List.of());
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        int refused = 0;
        for (int i = 0; i < CLIENTS; i++) {
            Socket client = connect(port);
            clients.add(client);
            if (!echoes(client)) {
                refused++;
            }
        }
        assertTrue(
                refused > 0,
                "300 connections, two descriptors each, under 256 should not all be relayed; " + socketkit);
        assertTrue(refused < CLIENTS, "some should be relayed; " + socketkit);
        socketkit.awaitStderrLine(line -> line.contains("connections are open, the most allowed"), START_TIMEOUT);
        assertTrue(
                socketkit.stderr().stream().noneMatch(line -> line.contains("too many open files")),
                "the limit should have kept accepting and connecting from running out; " + socketkit);
    }

    @Test
    void runningOutOfDescriptorsIsNamedOnceASecondAndRecoveredFrom() throws Exception {
        // A limit far above what the process can open: accepting, or connecting to the target, fails with EMFILE.
        socketkit = relay(SocketKitProcess.prlimit(OPEN_FILES), List.of(), "--max-connections", "100000");
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connect(port)); // the kernel completes each handshake; the relay accepts what it can
        }
        socketkit.awaitStderrLine(line -> line.contains("too many open files (EMFILE)"), START_TIMEOUT);
        assertTrue(echoes(clients.get(0)), "a connection relayed before the shortage is still relayed");

        long started = System.nanoTime();
        boolean relayed = OneByteEcho.servedAfterClosing(clients, port);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(relayed, "no new connection was relayed after the clients closed; " + socketkit);

        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        List<String> warnings = socketkit.stderr().stream()
                .filter(line -> line.contains("too many open files (EMFILE)"))
                .toList();
        assertTrue(
                socketkit.stderr().stream().noneMatch(line -> line.contains("reached at the tail of the pipeline")),
                "Netty's generic line, which never names the cause, should not appear; " + socketkit);
        // One line a second at most for each of the two causes (accepting, connecting), over the whole run.
        long runSeconds = seconds + START_TIMEOUT.toSeconds() + 5;
        assertTrue(warnings.size() <= 2 * runSeconds, warnings.size() + " warnings in about " + runSeconds + " s");
    }

    /**
     * Direct memory runs out when a read buffer of 64 MiB meets a 32 MiB cap: the connection is closed with a WARN line
     * that names the shortage, never a failure logged at DEBUG, and the relay goes on.
     */
    @Test
    void runningOutOfDirectMemoryIsAWarningThatNamesIt() throws Exception {
        socketkit = relay(List.of(), List.of("-XX:MaxDirectMemorySize=32m"), "--buffer-size", "64m");
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        try (Socket client = connect(port)) {
            assertFalse(echoes(client), "a read needs 64 MiB of direct memory, more than the JVM may have");
        }
        String warning = socketkit.awaitStderrLine(line -> line.contains(" WARN "), START_TIMEOUT);
        assertTrue(warning.contains("out of direct memory"), warning);
        assertFalse(socketkit.waitFor(0, TimeUnit.SECONDS), "the relay goes on; " + socketkit);
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
