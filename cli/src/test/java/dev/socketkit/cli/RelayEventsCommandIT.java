package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code socketkit relay --events}: its JSON lines on stdout and in a file, and a stalled reader of them. */
@Timeout(120)
class RelayEventsCommandIT {
    private SocketKitProcess socketkit;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    private static Server echo(Endpoint endpoint) {
        return Server.start(ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(endpoint));
    }

    /** A fault event of connection or session 1, the time left out. */
    private static Map<String, Object> fault(String of, String name, String type, String direction) {
        return Map.of("event", "fault", of, 1.0, "name", name, "type", type, "direction", direction);
    }

    /** Starts {@code socketkit relay} from loopback to {@code echo} with {@code --events -} and {@code options}. */
    private Endpoint eventsOnStdout(Server echo, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(
                List.of("relay", "tcp://127.0.0.1:0", echo.endpoint().toString(), "--events", "-"));
        args.addAll(List.of(options));
        socketkit = SocketKitProcess.start(args.toArray(String[]::new));
        return Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
    }

    /** Waits for connection {@code conn}'s close line on stdout. */
    private void awaitClose(int conn) throws InterruptedException {
        socketkit.awaitStdoutLine(
                line -> line.contains("\"event\":\"close\"") && line.contains("\"conn\":" + conn + ","), START_TIMEOUT);
    }

    /** Stops it with SIGTERM, as a supervisor does, and returns the events on stdout after the listening line. */
    private List<Map<String, Object>> stoppedEvents(Endpoint relay) throws InterruptedException {
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        List<String> stdout = socketkit.stdout();
        assertEquals("listening " + relay, stdout.get(0));
        return EventLines.events(stdout.subList(1, stdout.size()));
    }

    /** An open event of a connection from loopback port {@code clientPort} to {@code target}, the time left out. */
    private static Map<String, Object> open(int conn, int clientPort, Server target) {
        return EventLines.open(conn, clientPort, "target", target.endpoint().port());
    }

    /** A stream relay's stopped line, the time left out. */
    private static Map<String, Object> stopped(int conns, int up, int down) {
        return Map.of("event", "stopped", "conns", (double) conns, "up", (double) up, "down", (double) down);
    }

    @Test
    void onStdoutEachConnectionItsFaultAndItsCloseFollowTheListeningLine() throws Exception {
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0))) {
            Endpoint relay = eventsOnStdout(echo, "--fault", "latency:both:latency=1ms,connections=1");
            int[] ports = new int[2];
            for (int i = 0; i < 2; i++) {
                try (Socket client = new Socket("127.0.0.1", relay.port())) {
                    ports[i] = client.getLocalPort();
                    EventLines.echoes(client, "ping");
                }
                awaitClose(i + 1);
            }
            assertEquals(
                    List.of(
                            open(1, ports[0], echo),
                            fault("conn", "latency_both", "latency", "upstream"),
                            fault("conn", "latency_both", "latency", "downstream"),
                            EventLines.close(1, 4, 4, "closed"),
                            open(2, ports[1], echo),
                            EventLines.close(2, 4, 4, "closed"),
                            stopped(2, 8, 8)),
                    stoppedEvents(relay));
        }
    }

    /**
     * Over {@code --max-connections 1}: the connection refused has its one {@code close}, {@code refused}, and no
     * {@code open}, as serve's; the one held open still relays.
     */
    @Test
    void aConnectionRefusedOverTheLimitHasItsCloseAndNoOpen() throws Exception {
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0))) {
            Endpoint relay = eventsOnStdout(echo, "--max-connections", "1");
            int heldPort;
            try (Socket held = new Socket("127.0.0.1", relay.port())) {
                heldPort = held.getLocalPort();
                EventLines.echoes(held, "ab"); // joined, so it holds the one place
                try (Socket refused = new Socket("127.0.0.1", relay.port())) {
                    refused.setSoTimeout(10_000);
                    assertEquals(-1, refused.getInputStream().read(), "over --max-connections 1: closed at once");
                }
                awaitClose(2);
                EventLines.echoes(held, "cd"); // the first still relays
            }
            awaitClose(1);
            assertEquals(
                    List.of(
                            open(1, heldPort, echo),
                            EventLines.close(2, 0, 0, "refused"),
                            EventLines.close(1, 4, 4, "closed"),
                            // The refused one is not counted: it was never joined.
                            stopped(1, 4, 4)),
                    stoppedEvents(relay));
        }
    }

    /**
     * With {@code --api} the relay is the API's proxy, which its clients may stop and start again, each time counting
     * from 0: no total would be the run's, so there is no {@code stopped} line, and the last is the last close.
     */
    @Test
    void withTheApiTheLastLineIsTheLastCloseAndNoTotals() throws Exception {
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0))) {
            Endpoint relay = eventsOnStdout(echo, "--api", "127.0.0.1:0");
            int port;
            try (Socket client = new Socket("127.0.0.1", relay.port())) {
                port = client.getLocalPort();
                EventLines.echoes(client, "x");
            }
            awaitClose(1);
            assertEquals(List.of(open(1, port, echo), EventLines.close(1, 1, 1, "closed")), stoppedEvents(relay));
        }
    }

    @Test
    void inAFileMadeForItsOwnerOnlyADatagramSessionAndItsFaultTotalsAreAppended() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Server echo = echo(Endpoint.udp("127.0.0.1", 0));
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socketkit = SocketKitProcess.start(
                    "relay",
                    "udp://127.0.0.1:0",
                    echo.endpoint().toString(),
                    "--events",
                    file.toString(),
                    // Long enough that no pause of a loaded machine, the sender's or the echo's, ends the session
                    // midway, as 300 ms did in RelayListenerTest.
                    "--session-idle-timeout",
                    "2s",
                    "--fault",
                    "drop:upstream:rate=0.5",
                    "--seed",
                    "1");
            Endpoint relay = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            client.connect(relay.inetSocketAddress());
            for (int i = 0; i < 50; i++) {
                client.send(new DatagramPacket(new byte[] {(byte) i}, 1));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (Files.readAllLines(file).stream().noneMatch(line -> line.contains("session_close"))) {
                assertTrue(System.nanoTime() < deadline, "no session_close in " + Files.readAllLines(file));
                Thread.sleep(20);
            }
            // By the session's end every answer the relay passed on is on its way: as many as its down count, each
            // awaited as long as a loaded machine may take, rather than guessing how soon the last one comes.
            double down = (Double) EventLines.events(Files.readAllLines(file, UTF_8)).stream()
                    .filter(event -> event.get("event").equals("session_close"))
                    .findFirst()
                    .orElseThrow()
                    .get("down");
            client.setSoTimeout(10_000);
            int answered = 0;
            while (answered < down) {
                client.receive(new DatagramPacket(new byte[8], 8));
                answered++;
            }
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
            assertEquals(List.of("listening " + relay), socketkit.stdout(), "stdout keeps the listening line alone");
            String from = "127.0.0.1:" + client.getLocalPort();
            double passed = answered;
            assertTrue(passed > 10 && passed < 40, passed + " of 50 passed");
            // The session's totals, and the relay's when it stops: one session, so the same.
            Map<String, Object> traffic = Map.of("up", 50.0, "down", passed, "up_bytes", 50.0, "down_bytes", passed);
            Map<String, Object> closed = new HashMap<>(traffic);
            closed.putAll(Map.of(
                    "event",
                    "session_close",
                    "session",
                    1.0,
                    "end",
                    "expired",
                    "faults",
                    Map.of("drop_upstream", 50 - passed)));
            Map<String, Object> stopped = new HashMap<>(traffic);
            stopped.putAll(Map.of("event", "stopped", "sessions", 1.0));
            assertEquals(
                    List.of(
                            Map.of("event", "session_open", "session", 1.0, "client", from),
                            fault("session", "drop_upstream", "drop", "upstream"),
                            closed,
                            stopped),
                    EventLines.events(Files.readAllLines(file, UTF_8)));
        }
        // A second run appends.
        List<String> before = Files.readAllLines(file);
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0))) {
            socketkit = SocketKitProcess.start(
                    "relay", "tcp://127.0.0.1:0", echo.endpoint().toString(), "--events", file.toString());
            Endpoint relay = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
            try (Socket client = new Socket("127.0.0.1", relay.port())) {
                client.getOutputStream().write('x');
                assertEquals('x', client.getInputStream().read()); // joined: its open event is out
            }
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        }
        List<String> after = Files.readAllLines(file);
        assertEquals(before, after.subList(0, before.size()));
        assertEquals(
                "open",
                EventLines.events(after.subList(before.size(), after.size()))
                        .get(0)
                        .get("event"));
    }

    /**
     * A FIFO opened by a reader that does not read: once its 64 KiB and the relay's queue of events are full, events
     * are dropped and the traffic goes on; when the reader reads, a {@code dropped} line says how many were lost.
     */
    @Test
    void aReaderOfTheEventsThatStallsDoesNotStallTheTraffic() throws Exception {
        Path fifo = dir.resolve("events.fifo");
        CompletableFuture<InputStream> reader = EventLines.fifo(fifo);
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0))) {
            socketkit = SocketKitProcess.start(
                    "relay",
                    "tcp://127.0.0.1:0",
                    echo.endpoint().toString(),
                    "--events",
                    fifo.toString(),
                    "--fault",
                    "latency:both:latency=0s",
                    "--fault",
                    "slow_close:both:delay=0s");
            Endpoint relay = Endpoint.parse(socketkit.awaitListening(START_TIMEOUT));
            try (InputStream events = reader.get(20, TimeUnit.SECONDS)) {
                // 6 events a connection, about 110 bytes each: 2,000 connections make 12,000, more than the pipe's
                // 64 KiB (about 600) and the queue's 8,192 hold.
                EventLines.echoEach(relay.port(), 2000);
                double dropped = EventLines.awaitDropped(events);
                assertTrue(dropped > 1000, "dropped: " + dropped);
                socketkit.sigterm();
                assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
            }
            assertTrue(EventLines.warnedOfDrops(socketkit), socketkit::toString);
        }
    }
}
