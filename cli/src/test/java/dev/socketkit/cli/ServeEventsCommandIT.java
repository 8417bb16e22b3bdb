package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.Endpoint;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code socketkit serve --events}: its JSON lines for stream connections, for datagram servers, a stalled reader. */
@Timeout(120)
class ServeEventsCommandIT {
    private SocketKitProcess socketkit;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    private static Map<String, Object> open(int conn, Socket client, Endpoint server) {
        return EventLines.open(conn, client.getLocalPort(), "server", server.port());
    }

    private void awaitClose(int conn, String end) throws InterruptedException {
        socketkit.awaitStdoutLine(
                line -> line.contains("\"event\":\"close\"")
                        && line.contains("\"conn\":" + conn + ",")
                        && line.contains("\"end\":\"" + end + "\""),
                START_TIMEOUT);
    }

    /**
     * On stdout after the listening line: each connection's open and close, with its bytes and how it ended (closed by
     * the client, refused over the limit, reset, idle, stopped with the server), then the server's totals.
     */
    @Test
    void onStdoutEachConnectionHowItEndedAndTheTotalsFollowTheListeningLine() throws Exception {
        socketkit = SocketKitProcess.start(
                "serve",
                "echo",
                "tcp://127.0.0.1:0",
                "--events",
                "-",
                "--max-connections",
                "1",
                "--idle-timeout",
                "300ms");
        Endpoint server = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
        List<Map<String, Object>> expected = new ArrayList<>();
        try (Socket first = new Socket("127.0.0.1", server.port())) {
            EventLines.echoes(first, "ping");
            expected.add(open(1, first, server));
        }
        awaitClose(1, "closed");
        expected.add(EventLines.close(1, 4, 4, "closed"));

        Socket held = new Socket("127.0.0.1", server.port());
        EventLines.echoes(held, "ab");
        expected.add(open(2, held, server));
        try (Socket refused = new Socket("127.0.0.1", server.port())) {
            refused.setSoTimeout(10_000);
            assertEquals(-1, refused.getInputStream().read(), "over --max-connections 1: closed at once");
        }
        awaitClose(3, "refused");
        expected.add(EventLines.close(3, 0, 0, "refused"));
        held.setSoLinger(true, 0); // its close is a reset
        held.close();
        awaitClose(2, "reset");
        expected.add(EventLines.close(2, 2, 2, "reset"));

        try (Socket idle = new Socket("127.0.0.1", server.port())) {
            idle.setSoTimeout(10_000);
            expected.add(open(4, idle, server));
            assertEquals(-1, idle.getInputStream().read(), "closed by the idle timeout");
        }
        awaitClose(4, "idle_timeout");
        expected.add(EventLines.close(4, 0, 0, "idle_timeout"));

        try (Socket last = new Socket("127.0.0.1", server.port())) {
            EventLines.echoes(last, "z");
            expected.add(open(5, last, server));
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        }
        expected.add(EventLines.close(5, 1, 1, "stopped"));
        expected.add(Map.of("event", "stopped", "conns", 4.0, "up", 7.0, "down", 7.0)); // 3 was refused, not served
        List<String> stdout = socketkit.stdout();
        assertEquals("listening " + server, stdout.get(0));
        assertEquals(expected, EventLines.events(stdout.subList(1, stdout.size())));
    }

    /** A datagram server writes no line a datagram: its totals when it stops, in a file made for its owner only. */
    @Test
    void aDatagramServerWritesItsTotalsWhenItStopsToAFileMadeForItsOwnerOnly() throws Exception {
        Path file = dir.resolve("events.jsonl");
        socketkit = SocketKitProcess.start("serve", "echo", "udp://127.0.0.1:0", "--events", file.toString());
        Endpoint server = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.connect(server.inetSocketAddress());
            client.setSoTimeout(10_000);
            for (int i = 1; i <= 3; i++) {
                client.send(new DatagramPacket(new byte[i], i));
                DatagramPacket answer = new DatagramPacket(new byte[8], 8);
                client.receive(answer);
                assertEquals(i, answer.getLength());
            }
        }
        assertEquals(List.of(), Files.readAllLines(file), "nothing a datagram");
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        assertEquals(List.of("listening " + server), socketkit.stdout(), "stdout keeps the listening line alone");
        assertEquals(
                List.of(Map.of(
                        "event",
                        "stopped",
                        "up",
                        3.0,
                        "down",
                        3.0,
                        "up_bytes",
                        6.0,
                        "down_bytes",
                        6.0,
                        "dropped",
                        0.0)),
                EventLines.events(Files.readAllLines(file, UTF_8)));
    }

    /**
     * A FIFO opened by a reader that does not read: once its 64 KiB and the queue of events are full, events are
     * dropped and the connections are still served; when the reader reads, a {@code dropped} line says how many.
     */
    @Test
    void aReaderOfTheEventsThatStallsDoesNotStallTheServer() throws Exception {
        Path fifo = dir.resolve("events.fifo");
        CompletableFuture<InputStream> reader = EventLines.fifo(fifo);
        socketkit = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0", "--events", fifo.toString());
        Endpoint server = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
        try (InputStream events = reader.get(20, TimeUnit.SECONDS)) {
            // 2 events a connection, about 110 bytes each: 5,000 connections make 10,000, more than the pipe's 64 KiB
            // (about 600) and the queue's 8,192 hold.
            EventLines.echoEach(server.port(), 5000);
            double dropped = EventLines.awaitDropped(events);
            assertTrue(dropped > 500, "dropped: " + dropped);
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        }
        assertTrue(EventLines.warnedOfDrops(socketkit), socketkit::toString);
    }
}
