package dev.socketkit.cli;

import static dev.socketkit.cli.OneByteEcho.connect;
import static dev.socketkit.cli.OneByteEcho.echoes;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code socketkit serve} against more connections than it has file descriptors for, under a real {@code prlimit}:
 * it refuses what its limit does not allow, survives running out of descriptors, says so by name, and recovers.
 */
@Timeout(90)
class ServeGuardsIT {
    /** Small enough to run out of quickly, large enough for the JVM, its jars and some connections. */
    private static final int OPEN_FILES = 256;

    private static final int CLIENTS = 300;

    private SocketKitProcess socketkit;
    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        if (socketkit != null) {
            socketkit.close();
        }
    }

    private static List<String> prlimit() throws Exception {
        return SocketKitProcess.prlimit(OPEN_FILES);
    }

    @Test
    void theDefaultLimitRefusesConnectionsBeforeDescriptorsRunOut() throws Exception {
        socketkit = SocketKitProcess.start(prlimit(), "serve", "echo", "tcp://127.0.0.1:0");
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        int refused = 0;
        for (int i = 0; i < CLIENTS; i++) {
            Socket client = connect(port);
            clients.add(client);
            if (!echoes(client)) {
                refused++;
            }
        }
        assertTrue(refused > 0, "300 connections under 256 descriptors should not all be served; " + socketkit);
        assertTrue(refused < CLIENTS, "some should be served; " + socketkit);
        socketkit.awaitStderrLine(line -> line.contains("connections are open, the most allowed"), START_TIMEOUT);
        assertTrue(
                socketkit.stderr().stream().noneMatch(line -> line.contains("too many open files")),
                "the limit should have kept accept from running out; " + socketkit);
    }

    @Test
    void runningOutOfDescriptorsIsNamedOnceASecondAndRecoveredFrom() throws Exception {
        // A limit far above what the process can open: accepting itself fails with EMFILE.
        socketkit =
                SocketKitProcess.start(prlimit(), "serve", "echo", "tcp://127.0.0.1:0", "--max-connections", "100000");
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connect(port)); // the kernel completes each handshake; the server accepts what it can
        }
        socketkit.awaitStderrLine(line -> line.contains("too many open files (EMFILE)"), START_TIMEOUT);
        assertTrue(echoes(clients.get(0)), "a connection accepted before the shortage is still served");

        long started = System.nanoTime();
        boolean served = OneByteEcho.servedAfterClosing(clients, port);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(served, "no new connection was served after the clients closed; " + socketkit);

        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        long warnings = socketkit.stderr().stream()
                .filter(line -> line.contains("cannot accept connections"))
                .count();
        assertTrue(warnings >= 1, socketkit::toString);
        assertTrue(
                socketkit.stderr().stream().noneMatch(line -> line.contains("reached at the tail of the pipeline")),
                "Netty's generic line, which never names the cause, should not appear; " + socketkit);
        // One line a second at most, over the whole run (start-up included): not one per failed accept.
        long runSeconds = seconds + START_TIMEOUT.toSeconds() + 5;
        assertTrue(warnings <= runSeconds, warnings + " warnings in about " + runSeconds + " s; " + socketkit);
    }

    @Test
    void verboseServePrintsItsTotalsAndItsGuardsWhenItStops() throws Exception {
        socketkit = SocketKitProcess.start(
                "serve", "echo", "tcp://127.0.0.1:0", "-v", "--max-connections", "1", "--idle-timeout", "200ms");
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        try (Socket first = connect(port)) {
            assertTrue(echoes(first));
            try (Socket second = connect(port)) {
                assertEquals(-1, second.getInputStream().read(), "over the limit of one: closed at once");
            }
            assertEquals(-1, first.getInputStream().read(), "closed after 200 ms idle");
        }
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        String totals = socketkit.stderr().stream()
                .filter(line -> line.contains("stopped tcp://127.0.0.1:" + port + ": "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no totals line; " + socketkit));
        assertTrue(totals.contains("1 connections accepted"), totals);
        assertTrue(totals.contains("1 idle timeouts"), totals);
        assertTrue(totals.contains("1 connections refused by the limit"), totals);
    }

    /**
     * Direct memory runs out when a read buffer of 64 MiB meets a 32 MiB cap: the connection is closed with a WARN
     * line that names the shortage, never a reset logged at DEBUG, and the server goes on.
     */
    @Test
    void runningOutOfDirectMemoryIsAWarningThatNamesIt() throws Exception {
        socketkit = SocketKitProcess.startWithJvmOptions(
                List.of("-XX:MaxDirectMemorySize=32m"), "serve", "echo", "tcp://127.0.0.1:0", "--buffer-size", "64m");
        int port = port(socketkit.awaitListening(START_TIMEOUT));
        try (Socket client = connect(port)) {
            assertFalse(echoes(client), "a read needs 64 MiB of direct memory, more than the JVM may have");
        }
        String warning = socketkit.awaitStderrLine(line -> line.contains(" WARN "), START_TIMEOUT);
        assertTrue(warning.contains("out of direct memory"), warning);
        assertFalse(socketkit.waitFor(0, TimeUnit.SECONDS), "the server goes on; " + socketkit);
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
