package dev.socketkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.codec.Framing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The client against socketkit's servers on every transport and socket kind, and its failures. */
@Timeout(60)
class ClientIT {
    @TempDir
    Path dir;

    private ClientConfig clientOf(Server server, Transport transport) {
        return ClientConfig.defaults()
                .withEndpoint(server.endpoint())
                .withIo(Io.valueOf(transport.name()))
                .withReadTimeout(Duration.ofSeconds(10));
    }

    @TransportAndKindTest
    void requestsAnEchoOnEverySocketKind(Transport transport, SocketKind kind) {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, dir);
        try (Server server = Transports.start(transport, ServerConfig.defaults().withEndpoint(endpoint));
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("Hello, World!", client.request("Hello, World!"), endpoint.toString());
        }
    }

    @TransportTest
    void streamsOneMebibyteOfBinaryDataThroughAnEchoServer(Transport transport) {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (Server server = Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.tcp()));
                Client client = Client.connect(clientOf(server, transport))) {
            for (int offset = 0; offset < data.length; offset += 16 * 1024) {
                client.sendAsync(java.util.Arrays.copyOfRange(data, offset, offset + 16 * 1024));
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            while (received.size() < data.length) {
                received.writeBytes(client.receive());
            }
            assertArrayEquals(data, received.toByteArray());
        }
    }

    static List<Framing> framings() {
        return List.of(
                Framing.line(64),
                Framing.delimiter(new byte[] {'|', '|'}, 64),
                Framing.length(1, 64),
                Framing.length(4, 64),
                Framing.fixed(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framings")
    void receivesFramesExactlyAsTheCodecCutsThem(Framing framing) {
        try (Server server = Server.start(ServerConfig.defaults()
                        .withKind(ServerKind.WELCOME)
                        .withEndpoint(Endpoints.tcp())
                        .withFraming(framing)
                        .withGreeting("hello")
                        .withDataPrefix(">"));
                Client client = Client.connect(
                        ClientConfig.defaults().withEndpoint(server.endpoint()).withFraming(framing))) {
            String terminator =
                    framing.kind() == Framing.Kind.LINE ? "\n" : framing.kind() == Framing.Kind.DELIMITER ? "||" : "";
            assertEquals("hello" + terminator, new String(client.receive(), UTF_8), "the greeting, one frame");
            client.send("abcd");
            byte[] answer = client.receive();
            assertEquals(">abcd" + terminator, new String(answer, UTF_8), "the answer, one frame");
            client.send("efghi");
            String next = new String(client.receive(), UTF_8);
            // Fixed frames: "abcd" went out padded to "abcd\0", so the answer ">abcd\0" came back padded to two frames.
            assertEquals(
                    framing.kind() == Framing.Kind.FIXED ? "\0\0\0\0\0" : ">efghi" + terminator,
                    next,
                    "each frame separately, never two in one");
        }
    }

    @TransportTest
    void sendsTheLargestUdpDatagramWhole(Transport transport) {
        byte[] data = new byte[65_507];
        new Random(8).nextBytes(data);
        try (Server server = Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.udp()));
                Client client = Client.connect(clientOf(server, transport))) {
            client.send(data);
            assertArrayEquals(data, client.receive());
        }
    }

    @TransportTest
    void readsWelcomeThenAnswerThenTheServersClose(Transport transport) {
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults().withKind(ServerKind.WELCOME).withEndpoint(Endpoints.tcp()));
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("Welcome to the server", new String(client.receive(), UTF_8));
            assertEquals("Data received:Hello", client.request("Hello"));
            client.shutdownOutput();
            ClientException end = assertThrows(ClientException.class, client::receive);
            assertEquals(Reason.CLOSED, end.reason());
        }
    }

    @TransportTest
    void unixDatagramClientRemovesItsOwnSocketFileOnClose(Transport transport) throws Exception {
        try (Server server = Transports.start(
                transport, ServerConfig.defaults().withKind(ServerKind.REPLY).withEndpoint(Endpoints.unixgram(dir)))) {
            long before = countClientSockets();
            Client client = Client.connect(clientOf(server, transport));
            assertEquals("Thanks for connecting", client.request("hi"));
            assertEquals(before + 1, countClientSockets(), "the client binds a path of its own");
            client.close();
            assertEquals(before, countClientSockets(), "and removes it on close");
        }
    }

    @Test
    void refusedConnectionNamesTheEndpoint() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = probe.getLocalPort();
        }
        ClientException e = assertThrows(ClientException.class, () -> Client.connect("tcp://127.0.0.1:" + port));
        assertEquals(Reason.REFUSED, e.reason());
        assertEquals("connection refused: tcp://127.0.0.1:" + port, e.getMessage());
    }

    @Test
    void missingSocketFileIsNamed() {
        String endpoint = "unix://" + dir.resolve("nobody.sock");
        ClientException e = assertThrows(ClientException.class, () -> Client.connect(endpoint));
        assertEquals(Reason.NO_SUCH_SOCKET, e.reason());
        assertEquals("no such socket file: " + endpoint, e.getMessage());
    }

    @Test
    void unknownHostIsNamed() {
        ClientException e = assertThrows(ClientException.class, () -> Client.connect("tcp://no-such-host.invalid:80"));
        assertEquals(Reason.HOST_NOT_FOUND, e.reason());
    }

    @Test
    void silentServerTimesOutTheRead() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            Endpoint endpoint = Endpoint.tcp("127.0.0.1", silent.getLocalPort());
            try (Client client = Client.connect(ClientConfig.defaults().withEndpoint(endpoint))) {
                ClientException e = assertThrows(ClientException.class, () -> client.receive(Duration.ofMillis(200)));
                assertEquals(Reason.TIMED_OUT, e.reason());
                assertEquals("waiting for data from " + endpoint + " timed out after 200ms", e.getMessage());
                assertFalse(e.getMessage().isEmpty());
            }
        }
    }

    @TransportTest
    void receiveUntilClosedReturnsEveryFrameInOrder(Transport transport) {
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults().withEndpoint(Endpoints.tcp()).withFraming(Framing.line(1024)));
                Client client = Client.connect(clientOf(server, transport).withFraming(Framing.line(1024)))) {
            client.send("one\ntwo\n");
            client.send("three\n");
            client.shutdownOutput();
            List<String> frames = client.receiveUntilClosed().stream()
                    .map(frame -> new String(frame, UTF_8))
                    .toList();
            assertEquals(List.of("one\n", "two\n", "three\n"), frames);
        }
    }

    @TransportTest
    void serverThatTricklesForeverEndsAtTheExchangeTimeout(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread trickler = new Thread(() -> trickle(listener), "trickler");
            trickler.setDaemon(true);
            trickler.start();
            ClientConfig config = ClientConfig.defaults()
                    .withEndpoint(Endpoint.tcp("127.0.0.1", listener.getLocalPort()))
                    .withIo(Io.valueOf(transport.name()))
                    .withReadTimeout(Duration.ofSeconds(5))
                    .withExchangeTimeout(Duration.ofMillis(500));
            try (Client client = Client.connect(config)) {
                // Each byte comes well within the read timeout; only the exchange timeout can end this.
                ClientException e = assertThrows(ClientException.class, client::receiveUntilClosed);
                assertEquals(Reason.TIMED_OUT, e.reason());
                assertEquals("exchange with " + config.endpoint() + " timed out after 500ms", e.getMessage());
            }
            trickler.join(10_000);
        }
    }

    @TransportTest
    void framesReceivedBeforeATimeoutAreKeptForTheNextReceive(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            ClientConfig config = ClientConfig.defaults()
                    .withEndpoint(Endpoint.tcp("127.0.0.1", listener.getLocalPort()))
                    .withIo(Io.valueOf(transport.name()))
                    .withExchangeTimeout(Duration.ofMillis(300));
            try (Client client = Client.connect(config);
                    Socket accepted = listener.accept()) {
                accepted.getOutputStream().write("abc".getBytes(UTF_8)); // and then nothing, and no close
                ClientException e = assertThrows(ClientException.class, client::receiveUntilClosed);
                assertEquals(Reason.TIMED_OUT, e.reason());

                // The bytes came in one or more frames; each receive waits up to the read timeout.
                StringBuilder received = new StringBuilder();
                while (received.length() < 3) {
                    received.append(new String(client.receive(), UTF_8));
                }
                assertEquals("abc", received.toString());
            }
        }
    }

    @TransportTest
    void requestToASilentServerEndsAtTheExchangeTimeout(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            ClientConfig config = ClientConfig.defaults()
                    .withEndpoint(Endpoint.tcp("127.0.0.1", silent.getLocalPort()))
                    .withIo(Io.valueOf(transport.name()))
                    .withReadTimeout(Duration.ofSeconds(20))
                    .withExchangeTimeout(Duration.ofMillis(300));
            try (Client client = Client.connect(config)) {
                ClientException e = assertThrows(ClientException.class, () -> client.request("anyone?"));
                assertEquals(Reason.TIMED_OUT, e.reason());
                assertEquals("exchange with " + config.endpoint() + " timed out after 300ms", e.getMessage());
            }
        }
    }

    @TransportTest
    void connectionResetByTheServerIsNamed(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Endpoint endpoint = Endpoint.tcp("127.0.0.1", listener.getLocalPort());
            try (Client client = Client.connect(
                    ClientConfig.defaults().withEndpoint(endpoint).withIo(Io.valueOf(transport.name())))) {
                try (Socket accepted = listener.accept()) {
                    // SO_LINGER 0: close sends a reset (RST) instead of the orderly FIN.
                    accepted.setSoLinger(true, 0);
                }
                ClientException e = assertThrows(ClientException.class, client::receiveUntilClosed);
                assertEquals(Reason.RESET, e.reason(), e::toString);
                assertEquals("connection reset by " + endpoint, e.getMessage());
            }
        }
    }

    @TransportTest
    void clientWhoseCallerTakesNothingStopsReadingAndLosesNothing(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        int total = 32 << 20; // far more than the inbox and both sockets' buffers hold
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReceiveBufferSize(64 * 1024);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            CountDownLatch allWritten = new CountDownLatch(1);
            Thread writer = new Thread(() -> writePattern(listener, total, allWritten), "pattern-writer");
            writer.setDaemon(true);
            writer.start();
            ClientConfig config = ClientConfig.defaults()
                    .withEndpoint(Endpoint.tcp("127.0.0.1", listener.getLocalPort()))
                    .withIo(Io.valueOf(transport.name()))
                    // A fixed receive buffer: Linux would otherwise let the socket alone take up to tcp_rmem's max.
                    .withSocketOption(SocketSetting.parse("SO_RCVBUF=64k"));
            try (Client client = Client.connect(config)) {
                assertFalse(
                        allWritten.await(3, TimeUnit.SECONDS),
                        "the server wrote all " + total
                                + " bytes to a client whose caller took none: it buffered them");

                long received = 0;
                while (received < total) {
                    byte[] frame = client.receive();
                    for (int i = 0; i < frame.length; i++) {
                        if (frame[i] != patternByte(received + i)) {
                            fail("byte " + (received + i) + " differs: data was lost or repeated");
                        }
                    }
                    received += frame.length;
                }
                assertEquals(total, received);
                assertTrue(allWritten.await(10, TimeUnit.SECONDS), "the server's writes did not finish");
            }
            writer.join(10_000);
        }
    }

    @Test
    void frameOverTheLimitIsNamedByReceivesAndSendsAfterIt() {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoints.tcp()));
                Client client = Client.connect(
                        ClientConfig.defaults().withEndpoint(server.endpoint()).withFraming(Framing.line(10)))) {
            client.send("far longer than ten bytes"); // echoed back as one line of 25 bytes
            String expected = server.endpoint() + " sent a frame over the limit of 10 bytes";
            assertEquals(
                    expected,
                    assertThrows(ClientException.class, client::receive).getMessage());
            // The connection is closed now; a write says why, not that the channel is closed.
            assertEquals(
                    expected,
                    assertThrows(ClientException.class, () -> client.send("more"))
                            .getMessage());
        }
    }

    @Test
    void framesLeftInAFullInboxCanBeTakenAfterClose() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            ClientConfig config = ClientConfig.defaults()
                    .withEndpoint(Endpoint.tcp("127.0.0.1", listener.getLocalPort()))
                    .withFraming(Framing.line(64))
                    .withInboxLimit(1); // any frame held fills it
            Client client = Client.connect(config);
            try (Socket accepted = listener.accept()) {
                accepted.getOutputStream().write("a\nb\n".getBytes(UTF_8)); // one write: both lines in one read
                assertEquals("a\n", new String(client.receive(), UTF_8));
                client.close(); // "b\n" is held, and reading is paused, on an event loop that is now gone
                assertEquals("b\n", new String(client.receive(), UTF_8), "taking it must not try to resume reading");
            } finally {
                client.close();
            }
        }
    }

    @Test
    void sendUnframedWritesBytesPastTheEncoder() {
        Framing length = Framing.length(4, 64);
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoints.tcp()));
                Client client = Client.connect(
                        ClientConfig.defaults().withEndpoint(server.endpoint()).withFraming(length))) {
            client.sendUnframed(new byte[] {0, 0, 0, 2, 'h', 'i'}); // a frame with its length field already
            assertEquals("hi", new String(client.receive(), UTF_8), "the echo was framed once, not twice");
        }
    }

    /** Writes {@code total} bytes of {@link #patternByte} to the first connection, then counts down {@code done}. */
    private static void writePattern(ServerSocket listener, int total, CountDownLatch done) {
        try (Socket accepted = listener.accept()) {
            accepted.setSendBufferSize(64 * 1024);
            OutputStream out = accepted.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (long offset = 0; offset < total; offset += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = patternByte(offset + i);
                }
                out.write(chunk);
            }
            done.countDown();
        } catch (IOException e) {
            // The client closed early: the test has failed already and says why.
        }
    }

    /** Byte {@code offset} of the pattern: a cycle of prime length, so a lost or repeated chunk shows. */
    private static byte patternByte(long offset) {
        return (byte) (offset % 251);
    }

    /** Accepts one connection and writes a byte to it every 50 ms, for at most 10 s or until the client goes. */
    private static void trickle(ServerSocket listener) {
        try (Socket accepted = listener.accept()) {
            OutputStream out = accepted.getOutputStream();
            for (int i = 0; i < 200; i++) {
                out.write('.');
                out.flush();
                // The pace is the behaviour under test: each byte well within the read timeout, forever.
                Thread.sleep(50);
            }
        } catch (IOException e) {
            // The client closed after its exchange timeout: the expected end.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long countClientSockets() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("socketkit-")
                            && p.getFileName().toString().endsWith(".sock"))
                    .count();
        }
    }
}
