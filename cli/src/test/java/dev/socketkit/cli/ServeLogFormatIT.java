package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMEOUT;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --log-format json}: every stderr line, whatever it logs, parses as one JSON object with its fields. */
@Timeout(60)
class ServeLogFormatIT {
    private static final List<String> FIELDS = List.of("time", "level", "logger", "message", "thread");

    @TempDir
    Path directory;

    private SocketKitProcess socketkit;

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    /**
     * A socket path with a quote, a backslash and a newline in it goes into the lines as it is (the start, the drain,
     * the stop), and a message with quotes and backslashes into the DEBUG lines: each line must still be valid JSON.
     */
    @Test
    void everyLineIsOneJsonObjectEvenWithQuotesAndNewlines() throws Exception {
        Path dir = Files.createDirectory(directory.resolve("a \"quoted\"\nname\\"));
        Path socket = dir.resolve("s.sock");
        socketkit = SocketKitProcess.start("serve", "echo", "unix://" + socket, "-v", "--log-format", "json");
        socketkit.awaitStderrLine(line -> line.contains("via "), START_TIMEOUT);
        String message = "he said \"hi\" \\ é";
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap(message.getBytes(UTF_8)));
            ByteBuffer echo = ByteBuffer.allocate(message.getBytes(UTF_8).length);
            while (echo.hasRemaining() && client.read(echo) >= 0) {
                // until the whole echo is in
            }
            assertEquals(message, new String(echo.array(), UTF_8));
        }
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);

        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : socketkit.stderr()) {
            Map<String, Object> object = Json.object(line); // fails on any line that is not one JSON object
            for (String field : FIELDS) {
                assertTrue(object.get(field) instanceof String, () -> "no " + field + " in " + line);
            }
            lines.add(object);
        }
        assertTrue(
                lines.stream().anyMatch(line -> ((String) line.get("message")).contains(socket.toString())),
                () -> "no line names " + socket + ": " + socketkit.stderr());
        assertTrue(
                lines.stream()
                        .anyMatch(line -> line.get("level").equals("DEBUG")
                                && ((String) line.get("message")).contains("he said \\\"hi\\\" \\\\")),
                () -> "no DEBUG line with the message: " + socketkit.stderr());
        assertTrue(
                lines.stream().anyMatch(line -> ((String) line.get("message")).startsWith("draining ")),
                socketkit::toString);
        assertTrue(
                lines.stream().allMatch(line -> ((String) line.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z")),
                socketkit::toString);
        // stdout is payload, not a log line: the path's newline stays a newline there.
        assertEquals("listening unix://" + socket, String.join("\n", socketkit.stdout()));
    }

    @Test
    void theTextFormatIsTheDefault() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0");
        String endpoint = socketkit.awaitListening(START_TIMEOUT);
        try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port(endpoint)))) {
            assertTrue(client.isConnected());
            socketkit.awaitStderrLine(line -> line.contains("INFO  connected"), START_TIMEOUT);
        }
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
        assertFalse(socketkit.stderr().stream().anyMatch(line -> line.startsWith("{")), socketkit::toString);
    }

    @Test
    void anUnknownFormatIsAUsageError() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "--log-format", "xml");
        socketkit.assertRefused(EXIT_USAGE, "--log-format", "'xml'", "text or json");
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
