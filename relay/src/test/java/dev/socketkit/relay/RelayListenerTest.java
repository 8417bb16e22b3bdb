package dev.socketkit.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RelayListener} through real relays: what it is told of connections, sessions and faults, and when. */
@Timeout(60)
class RelayListenerTest {
    /** Every call, as one line of text, in the order made. */
    private static final class Recorder implements RelayListener {
        private final List<String> events = new ArrayList<>();

        private synchronized void add(String event) {
            events.add(event);
            notifyAll();
        }

        synchronized List<String> await(Predicate<List<String>> done) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!done.test(events)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not within 20 s; events so far: " + events);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return new ArrayList<>(events);
        }

        List<String> awaitCount(int count) throws InterruptedException {
            return await(events -> events.size() >= count);
        }

        @Override
        public void connectionOpened(long number, SocketAddress client, SocketAddress target) {
            add("open " + number + " " + port(client) + " " + port(target));
        }

        @Override
        public void connectionClosed(long number, long bytesUpstream, long bytesDownstream, String end) {
            add("close " + number + " " + bytesUpstream + " " + bytesDownstream + " " + end);
        }

        @Override
        public void sessionOpened(long number, SocketAddress client) {
            add("session_open " + number + " " + port(client));
        }

        @Override
        public void sessionClosed(long number, SessionTotals totals, String end, Map<String, Long> faultHits) {
            add("session_close " + number + " " + totals + " " + end + " " + faultHits);
        }

        @Override
        public void faultApplied(long number, boolean datagram, Fault fault, Direction direction) {
            add("fault " + number + " " + datagram + " " + fault.name() + " " + direction);
        }

        private static int port(SocketAddress address) {
            return ((InetSocketAddress) address).getPort();
        }
    }

    private static Server echo(Endpoint endpoint) {
        return Server.start(ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(endpoint));
    }

    @Test
    void aStreamConnectionIsOpenedWithBothEndsItsFaultAppliesAndItClosesWithItsBytes() throws Exception {
        Recorder events = new Recorder();
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0));
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint())
                        .withFaults(Fault.latency(Duration.ofMillis(1)).withConnections("1"))
                        .withListener(events))) {
            int clientPort;
            try (Socket client = new Socket("127.0.0.1", relay.endpoint().port())) {
                clientPort = client.getLocalPort();
                client.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
            }
            assertEquals(
                    List.of(
                            "open 1 " + clientPort + " " + echo.endpoint().port(),
                            "fault 1 false latency_downstream DOWNSTREAM",
                            "close 1 4 4 closed"),
                    events.awaitCount(3));
            // A second connection, which the fault's connections=1 leaves out, reset by its client.
            try (Socket client = new Socket("127.0.0.1", relay.endpoint().port())) {
                client.getOutputStream().write("x".getBytes(US_ASCII));
                assertEquals('x', client.getInputStream().read());
                client.setSoLinger(true, 0);
            }
            List<String> all = events.awaitCount(5);
            assertTrue(all.get(3).startsWith("open 2 "), all::toString);
            assertEquals("close 2 1 1 reset", all.get(4));
        }
    }

    @Test
    void aTargetThatRefusesEndsTheConnectionAsTargetFailed() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        Recorder events = new Recorder();
        try (Relay relay =
                        Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), Endpoint.tcp("127.0.0.1", closedPort))
                                .withListener(events));
                Socket client = new Socket("127.0.0.1", relay.endpoint().port())) {
            assertEquals(-1, client.getInputStream().read(), "the relay closes the client's connection");
            assertEquals(List.of("close 1 0 0 target_failed"), events.awaitCount(1));
        }
    }

    @Test
    void aConnectionRefusedOverTheLimitIsClosedAsRefusedAndNeverJoined() throws Exception {
        Recorder events = new Recorder();
        try (Server echo = echo(Endpoint.tcp("127.0.0.1", 0));
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint())
                        .withMaxConnections(1)
                        .withListener(events));
                Socket held = new Socket("127.0.0.1", relay.endpoint().port())) {
            held.setSoTimeout(10_000);
            held.getOutputStream().write('a');
            assertEquals('a', held.getInputStream().read(), "joined: it holds the one place");
            try (Socket refused = new Socket("127.0.0.1", relay.endpoint().port())) {
                refused.setSoTimeout(10_000);
                assertEquals(-1, refused.getInputStream().read(), "closed as soon as it is accepted");
            }
            List<String> all = events.awaitCount(2);
            assertTrue(all.get(0).startsWith("open 1 "), all::toString);
            assertEquals(List.of("close 2 0 0 refused"), all.subList(1, all.size()));
            RelayStats stats = relay.stats();
            assertEquals(
                    List.of(2L, 1L, 1L),
                    List.of(stats.connections(), stats.joinedConnections(), stats.connectionsRefused()));
        }
    }

    @Test
    void aDatagramSessionReportsItsFaultOnceAndItsTotalsAtItsEnd() throws Exception {
        Recorder events = new Recorder();
        try (Server echo = echo(Endpoint.udp("127.0.0.1", 0));
                Relay relay = Relay.start(RelayConfig.of(Endpoint.udp("127.0.0.1", 0), echo.endpoint())
                        .withFaults(Fault.drop(0.5).withDirection(Direction.UPSTREAM))
                        .withSeed(3)
                        // The session must outlast any pause in the traffic: the sender's between two datagrams, the
                        // echo's before an answer. At 300 ms a loaded machine's pause ended it midway (once in six runs
                        // under a load average of 15; a 350 ms pause in the sender does it at will), so its totals
                        // were the first half's and a second session took the rest.
                        .withSessionIdleTimeout(Duration.ofSeconds(2))
                        .withListener(events));
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.connect(relay.endpoint().inetSocketAddress());
            for (int i = 0; i < 100; i++) {
                client.send(new DatagramPacket(new byte[] {(byte) i}, 1));
            }
            List<String> all = events.await(list -> list.stream().anyMatch(e -> e.startsWith("session_close")));
            RelayStats stats = relay.stats();
            long passed = stats.datagramsDownstream(); // the echo answers each datagram that reached it
            assertEquals(100, stats.datagramsUpstream());
            assertEquals(
                    List.of(
                            "session_open 1 " + client.getLocalPort(),
                            "fault 1 true drop_upstream UPSTREAM",
                            "session_close 1 SessionTotals[datagramsUpstream=100, datagramsDownstream=" + passed
                                    + ", bytesUpstream=100, bytesDownstream=" + passed + "] expired {drop_upstream="
                                    + (100 - passed) + "}"),
                    all);
            assertTrue(passed > 20 && passed < 80, passed + " of 100 passed a drop of rate 0.5");
        }
    }
}
