package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The datagram relay's session table: bounded, refusing new client addresses while full, and idle-expired. */
@Timeout(60)
class DatagramSessionsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void aFullTableRefusesNewClientsAndKeepsServingTheOnesItHas() throws Exception {
        try (Server echo = udpEcho();
                Relay relay = Relay.start(RelayConfig.of(Endpoint.udp("127.0.0.1", 0), echo.endpoint())
                        .withMaxSessions(2));
                Peer one = new Peer(relay);
                Peer two = new Peer(relay);
                Peer three = new Peer(relay)) {
            assertEquals("one", one.exchange("one"));
            assertEquals("two", two.exchange("two"));
            three.send("three");
            await(() -> relay.stats().sessionsRefused() == 1, "the third address refused");
            // Those it holds still work, however many datagrams the refused address sends.
            for (int i = 0; i < 100; i++) {
                three.send("flood " + i);
            }
            assertEquals("one again", one.exchange("one again"));
            assertEquals("two again", two.exchange("two again"));
            await(() -> relay.stats().sessionsRefused() == 101, "every datagram of the refused address counted");
            RelayStats stats = relay.stats();
            assertEquals(2, stats.sessions(), "no session for the refused address: " + stats);
            assertEquals(2, stats.openSessions(), stats.toString());
        }
    }

    @Test
    void anIdleSessionExpiresAndMakesRoomForANewClient() throws Exception {
        try (Server echo = udpEcho();
                Relay relay = Relay.start(RelayConfig.of(Endpoint.udp("127.0.0.1", 0), echo.endpoint())
                        .withMaxSessions(1)
                        .withSessionIdleTimeout(Duration.ofMillis(300)));
                Peer one = new Peer(relay);
                Peer two = new Peer(relay)) {
            assertEquals("one", one.exchange("one"));
            await(() -> relay.stats().sessionsExpired() == 1, "the idle session to expire");
            assertEquals(0, relay.stats().openSessions(), "the table is empty again");
            assertEquals("two", two.exchange("two"), "the next client gets the freed place");
            assertEquals(0, relay.stats().sessionsRefused(), relay.stats().toString());
        }
    }

    private static Server udpEcho() {
        return Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.udp("127.0.0.1", 0)));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + PATIENCE + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A UDP client of the relay on the JDK's blocking socket, bound to loopback, which hears only the relay. */
    private static final class Peer implements AutoCloseable {
        private final DatagramSocket socket;
        private final InetSocketAddress relay;

        Peer(Relay relay) throws IOException {
            this.relay = relay.endpoint().inetSocketAddress();
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            socket.connect(this.relay);
            socket.setSoTimeout((int) PATIENCE.toMillis());
        }

        void send(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, relay));
        }

        /** Sends {@code text} and returns the answer; fails if none comes within the patience. */
        String exchange(String text) throws IOException {
            send(text);
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            try {
                socket.receive(answer);
            } catch (SocketTimeoutException none) {
                throw new AssertionError("no answer to '" + text + "' within " + PATIENCE, none);
            }
            return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
