package dev.socketkit.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the {@code --events} tests of the relay and serve share: reading the lines, and a FIFO that stalls. */
final class EventLines {
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    private EventLines() {}

    /**
     * An {@code open} event as {@link #events} returns it: connection {@code conn} from loopback port {@code
     * clientPort}, with {@code otherEnd} ({@code target} for the relay, {@code server} for serve) at loopback {@code
     * port}.
     */
    static Map<String, Object> open(int conn, int clientPort, String otherEnd, int port) {
        return Map.of(
                "event",
                "open",
                "conn",
                (double) conn,
                "client",
                "127.0.0.1:" + clientPort,
                otherEnd,
                "127.0.0.1:" + port);
    }

    /** A {@code close} event as {@link #events} returns it. */
    static Map<String, Object> close(int conn, int up, int down, String end) {
        return Map.of("event", "close", "conn", (double) conn, "up", (double) up, "down", (double) down, "end", end);
    }

    /** Sends {@code text} on {@code client} and reads it back (in 10 s), from an echo server or through a relay. */
    static void echoes(Socket client, String text) throws IOException {
        client.setSoTimeout(10_000);
        client.getOutputStream().write(text.getBytes(US_ASCII));
        assertEquals(text, new String(client.getInputStream().readNBytes(text.length()), US_ASCII));
    }

    /** Opens {@code connections} connections to {@code port} on 127.0.0.1 one after another, each echoing one byte. */
    static void echoEach(int port, int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            try (Socket client = new Socket("127.0.0.1", port)) {
                echoes(client, "x");
            }
        }
    }

    /** Each line an object with an event and a time, ISO-8601 UTC to the millisecond; returned without the time. */
    static List<Map<String, Object>> events(List<String> lines) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> event = Json.object(line);
            assertTrue(event.get("event") instanceof String, line);
            assertTrue(String.valueOf(event.remove("time")).matches(TIME), "the time of " + line);
            events.add(event);
        }
        return events;
    }

    /**
     * Makes a FIFO at {@code fifo} and opens it to read, which completes once the command under test opens it to write
     * (it does so before it binds); skips the test without {@code mkfifo}.
     */
    static CompletableFuture<InputStream> fifo(Path fifo) throws IOException, InterruptedException {
        assumeTrue(SocketKitProcess.installed("mkfifo"), "mkfifo is not installed");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newInputStream(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Reads {@code events} (20,000 lines at most) until a {@code dropped} line, and returns its count. */
    static double awaitDropped(InputStream events) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(events, UTF_8));
        String line;
        Map<String, Object> dropped = null;
        int read = 0;
        while (dropped == null && (line = lines.readLine()) != null && read++ < 20_000) {
            Map<String, Object> event = Json.object(line);
            if ("dropped".equals(event.get("event"))) {
                dropped = event;
            }
        }
        assertTrue(dropped != null, "no dropped line in " + read + " lines");
        return (Double) dropped.get("count");
    }

    /** Whether the command's stderr has the WARN line that gives the total dropped. */
    static boolean warnedOfDrops(SocketKitProcess socketkit) {
        return socketkit.stderr().stream().anyMatch(l -> l.matches(".*--events: \\d+ events dropped: .*"));
    }
}
