package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Guard;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The datagram servers' guards against floods, amplification and loops, on every transport: real datagrams from real
 * sockets, and for loops, datagrams whose source is forged as an attacker forges it.
 */
@Timeout(60)
class DatagramGuardsIT {
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final Duration QUIET = Duration.ofMillis(300);

    @TempDir
    Path directory;

    /** A datagram client of either kind: what the tests need of UdpClient and UnixDatagramClient. */
    private interface Peer extends AutoCloseable {
        void send(byte[] datagram) throws Exception;

        byte[] receiveWithin(Duration wait) throws Exception;

        @Override
        void close() throws IOException;
    }

    private Peer peer(Server server) throws Exception {
        Endpoint endpoint = server.endpoint();
        if (endpoint.kind() == SocketKind.UDP) {
            UdpClient udp = UdpClient.connect(endpoint);
            return new Peer() {
                public void send(byte[] datagram) throws Exception {
                    udp.send(datagram);
                }

                public byte[] receiveWithin(Duration wait) throws Exception {
                    return udp.receiveWithin(wait);
                }

                public void close() throws IOException {
                    udp.close();
                }
            };
        }
        UnixDatagramClient unix = UnixDatagramClient.bind(directory.resolve("client.sock"), endpoint);
        return new Peer() {
            public void send(byte[] datagram) throws Exception {
                unix.send(datagram);
            }

            public byte[] receiveWithin(Duration wait) throws Exception {
                return unix.receiveWithin(wait.toMillis());
            }

            public void close() {
                unix.close();
            }
        };
    }

    @TransportAndDatagramKindTest
    void aSourceIsAnsweredAtMostItsRate(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        int rate = 10;
        int sent = 100;
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withDatagramRate(rate);
        try (Server server = Transports.start(transport, config);
                Peer client = peer(server)) {
            long started = System.nanoTime();
            for (int i = 0; i < sent; i++) {
                client.send(Text.bytes("d" + i));
            }
            ServerStats stats = Poll.stats(server, s -> s.framesIn() == sent, PATIENCE);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            int answers = 0;
            while (client.receiveWithin(QUIET) != null) {
                answers++;
            }
            stats = server.stats();
            assertEquals(sent, stats.framesIn(), stats.summary());
            assertEquals(answers, stats.framesOut(), "every answer sent should arrive: " + stats.summary());
            assertEquals(sent - answers, stats.count(Guard.DATAGRAM_RATE), stats.summary());
            // A burst of one second's worth, then one more for each tenth of a second the sending took.
            long allowed = rate + elapsedMillis * rate / 1000 + 1;
            assertTrue(answers >= rate && answers <= allowed, answers + " answers, at most " + allowed + " allowed");
        }
    }

    @TransportAndDatagramKindTest
    void answersToASourceAreCappedAtThreeTimesWhatItSent(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        ServerConfig config = ServerConfig.defaults()
                .withKind(ServerKind.WELCOME)
                .withEndpoint(Endpoints.of(kind, directory))
                .withAmplificationLimit(true);
        try (Server server = Transports.start(transport, config);
                Peer client = peer(server)) {
            client.send(Text.bytes("x"));
            Poll.stats(server, s -> s.count(Guard.DATAGRAM_AMPLIFICATION) == 1, PATIENCE);
            assertNull(client.receiveWithin(QUIET), "15 bytes for 1 would amplify fivefold");

            byte[] twenty = Text.bytes("twenty bytes of text");
            client.send(twenty);
            assertArrayEquals(Text.bytes("Data received:twenty bytes of text"), client.receiveWithin(PATIENCE));
            // The answer can arrive before the server has counted it as written: wait for the count, bounded.
            ServerStats stats = Poll.stats(server, s -> s.framesOut() == 1, PATIENCE);
            assertEquals(1, stats.count(Guard.DATAGRAM_AMPLIFICATION), stats.summary());
            assertEquals(1, stats.framesOut(), stats.summary());
        }
    }

    /**
     * An empty datagram is a datagram: echo answers it with an empty one, which Netty's epoll and NIO channels would skip. The
     * client is Python's socket module: the JDK sends nothing for an empty buffer on a connected channel, and Netty's
     * epoll client, like its server, skips it.
     */
    @TransportAndDatagramKindTest
    void anEmptyDatagramIsEchoedAsAnEmptyOne(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        try (Server server =
                Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.of(kind, directory)))) {
            String script = String.join(
                    "\n",
                    "import socket, sys",
                    "if sys.argv[1] == 'unixgram':",
                    "    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[3]); to = sys.argv[2]",
                    "else:",
                    "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); to = ('127.0.0.1', int(sys.argv[2]))",
                    "s.settimeout(10)",
                    "for payload in (b'', b'after'):",
                    "    s.sendto(payload, to)",
                    "    print(len(s.recvfrom(100)[0]))");
            Endpoint endpoint = server.endpoint();
            String target = kind == SocketKind.UDP ? String.valueOf(endpoint.port()) : endpoint.path();
            String output = Python.run(
                    script, kind.scheme(), target, directory.resolve("py.sock").toString());
            assertEquals("0\n5", output, "an empty answer to the empty datagram, then the next one's");
            ServerStats stats = Poll.stats(server, s -> s.framesOut() == 2, PATIENCE);
            assertEquals(2, stats.framesOut(), "both answers counted: " + stats.summary());
        }
    }

    /**
     * A Unix datagram peer that never reads fills its own queue; the kernel then refuses the server's answers to it.
     * Those are dropped and counted, and another peer is still answered: Netty alone would hold every answer behind
     * the first refused one. Python's sockets are both peers, so that one can send without reading.
     */
    @TransportTest
    void aUnixDatagramPeerThatNeverReadsHoldsUpNoOneElse(Transport transport) throws Exception {
        Transports.assumeCarries(transport, SocketKind.UNIXGRAM);
        try (Server server =
                Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.unixgram(directory)))) {
            String script = String.join(
                    "\n",
                    "import socket, sys, time",
                    "mute = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); mute.bind(sys.argv[2])",
                    "mute.setblocking(False)",
                    "sent = 0",
                    "for i in range(3000):  # bounded: the server's queue or the mute one's fills long before",
                    "    try:",
                    "        mute.sendto(b'x' * 1024, sys.argv[1]); sent += 1",
                    "    except BlockingIOError:",
                    "        time.sleep(0.001)",
                    "other = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); other.bind(sys.argv[3])",
                    "other.settimeout(10)",
                    "other.sendto(b'hello', sys.argv[1])",
                    "print(other.recvfrom(100)[0].decode())");
            String output = Python.run(
                    script,
                    server.endpoint().path(),
                    directory.resolve("mute.sock").toString(),
                    directory.resolve("other.sock").toString());
            assertEquals("hello", output, "the other peer's answer");
            ServerStats stats = Poll.stats(server, s -> s.count(Guard.DATAGRAM_SOCKET_FULL) > 0, PATIENCE);
            assertTrue(
                    stats.count(Guard.DATAGRAM_SOCKET_FULL) > 0, "the mute peer's answers dropped: " + stats.summary());
        }
    }

    @TransportTest
    void aWelcomeAnswerLargerThanADatagramIsDroppedAndCounted(Transport transport) throws Exception {
        ServerConfig config =
                ServerConfig.defaults().withKind(ServerKind.WELCOME).withEndpoint(Endpoints.udp());
        try (Server server = Transports.start(transport, config);
                Peer client = peer(server)) {
            client.send(new byte[65_507]); // the largest IPv4 payload; with the prefix the answer cannot be sent
            ServerStats stats = Poll.stats(server, s -> s.count(Guard.DATAGRAM_TOO_LARGE) == 1, PATIENCE);
            assertEquals(1, stats.count(Guard.DATAGRAM_TOO_LARGE), stats.summary());
            assertEquals(0, stats.failures(), "a dropped answer is not a failure of the socket: " + stats.summary());
            client.send(Text.bytes("small"));
            assertArrayEquals(Text.bytes("Data received:small"), client.receiveWithin(PATIENCE));
        }
    }

    @TransportTest
    void aDatagramForgedFromTheServersOwnAddressIsNeverAnswered(Transport transport) throws Exception {
        ForgedDatagram.assumeCanForge();
        try (Server server = Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.udp()))) {
            int port = server.endpoint().port();
            ForgedDatagram.send(port, port, Text.bytes("loop"));
            ForgedDatagram.send(19, port, Text.bytes("chargen"));
            ServerStats stats = Poll.stats(server, s -> s.count(Guard.DATAGRAM_LOOP) == 2, PATIENCE);
            Thread.sleep(QUIET.toMillis()); // a loop, had one started, would show in the counts by now
            stats = server.stats();
            assertEquals(2, stats.framesIn(), "one datagram each, never answered into a loop: " + stats.summary());
            assertEquals(0, stats.framesOut(), stats.summary());
            assertEquals(2, stats.count(Guard.DATAGRAM_LOOP), stats.summary());
        }
    }

    /**
     * CERT CA-1996-01: one datagram forged "from" server B to server A sets two echo servers answering each other.
     * Neither source is special, so only the rate limit can hold them: at most a burst and then the rate, until one
     * of them drops the datagram.
     */
    @TransportTest
    void twoEchoServersSetOnEachOtherAreHeldToTheirRate(Transport transport) throws Exception {
        ForgedDatagram.assumeCanForge();
        int rate = 100;
        ServerConfig config =
                ServerConfig.defaults().withEndpoint(Endpoints.udp()).withDatagramRate(rate);
        try (Server a = Transports.start(transport, config);
                Server b = Transports.start(transport, config)) {
            long started = System.nanoTime();
            ForgedDatagram.send(b.endpoint().port(), a.endpoint().port(), Text.bytes("ping-pong"));
            // One datagram bounces; the first server over its budget for the other drops it, and the loop ends.
            Poll.until(
                    () -> a.stats().count(Guard.DATAGRAM_RATE) + b.stats().count(Guard.DATAGRAM_RATE) > 0,
                    "either server to drop the bouncing datagram");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
            long allowed = rate + rate * seconds;
            for (Server server : new Server[] {a, b}) {
                ServerStats stats = server.stats();
                assertTrue(
                        stats.framesOut() <= allowed,
                        server + " answered " + stats.framesOut() + ", more than " + allowed + ": " + stats.summary());
            }
            long bounced = a.stats().framesIn();
            Thread.sleep(QUIET.toMillis()); // once dropped, nothing bounces any more
            assertEquals(
                    bounced,
                    a.stats().framesIn(),
                    "the loop should have ended: " + a.stats().summary());
        }
    }
}
