package dev.socketkit.junit;

import static dev.socketkit.junit.Clients.WAIT;
import static dev.socketkit.junit.Clients.assertGone;
import static dev.socketkit.junit.Clients.connect;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.codec.Framing;
import dev.socketkit.relay.Fault;
import dev.socketkit.relay.Relay;
import dev.socketkit.server.Server;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @SocketRelay}: a relay between a test's client and a {@code @SocketServer} (or any endpoint), with faults from
 * the annotation and from the test, injected as a {@code Relay}, an {@code Endpoint} or a {@code ClientConfig}, closed
 * after its test; and how a misused annotation fails. Each test talks through the relay over real sockets.
 */
@Timeout(30)
class SocketRelayTest {
    // tag::junit-relay-fields[]
    @SocketServer(framing = "line")
    RecordingServer server;

    @SocketRelay(target = "server") // the client under test connects to relay.endpoint()
    Relay relay;
    // end::junit-relay-fields[]

    @Test
    void aRelayFieldForwardsToTheServerFieldItNames() {
        server.enqueue(Reaction.reply("PONG\n"));
        assertNotEquals(server.endpoint(), relay.endpoint());
        try (Client client = connect(relay.endpoint(), Framing.line(1024))) {
            assertEquals("PONG\n", client.request("PING\n"));
        }
        RecordedFrame frame = server.takeFrame();
        assertEquals("PING\n", frame.utf8());
        // The server's peer is the relay's upstream socket, not the test's client: the bytes went through the relay.
        assertEquals(1, relay.stats().connections());
        assertEquals(5, relay.stats().bytesUpstream());
    }

    @Test
    void theAnnotationsFaultsAreInPlaceFromTheStart(
            @SocketRelay(target = "server", faults = "latency:downstream:latency=300ms") ClientConfig slow) {
        server.enqueue(Reaction.reply("PONG\n"));
        try (Client client = Client.connect(slow.withReadTimeout(WAIT).withExchangeTimeout(WAIT))) {
            long start = System.nanoTime();
            assertEquals("PONG\n", client.request("PING\n"));
            Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(roundTrip.compareTo(Duration.ofMillis(300)) >= 0, () -> "round trip " + roundTrip);
        }
    }

    // tag::junit-relay-faults[]
    @Test
    void aTestAddsAndRemovesFaultsWhileItRuns() {
        server.setDefaultReaction(Reaction.reply("0123456789\n"));
        relay.faults().add(Fault.parse("limit_data:downstream:bytes=4"));
        try (Client client = connect(relay.endpoint())) {
            client.send("a\n");
            // Four bytes pass, then the relay closes the connection, as Toxiproxy's limit_data does.
            StringBuilder received = new StringBuilder();
            for (byte[] chunk : client.receiveUntilClosed()) {
                received.append(new String(chunk, UTF_8));
            }
            assertEquals("0123", received.toString());
        }
        relay.faults().remove("limit_data_downstream");
        try (Client client = connect(relay.endpoint(), Framing.line(1024))) {
            assertEquals("0123456789\n", client.request("b\n"));
        }
    }
    // end::junit-relay-faults[]

    @Test
    void anEndpointParameterIsWhereTheRelayListens(
            @SocketServer Server echo, @SocketRelay(target = "server") Endpoint relayed) {
        assertEquals(SocketKind.TCP, relayed.kind());
        assertNotEquals(relay.endpoint(), relayed, "a relay of its own");
        server.enqueue(Reaction.reply("hi\n"));
        try (Client client = connect(relayed, Framing.line(1024))) {
            assertEquals("hi\n", client.request("x\n"));
        }
        assertFalse(echo.isClosed());
    }

    @Test
    void aClientConfigForATlsServerTalksTlsThroughTheRelay(
            @SocketServer(tls = true, framing = "line") Server tls, @SocketRelay(target = "tls") ClientConfig config) {
        assertEquals(tls.endpoint().kind(), config.endpoint().kind());
        assertTrue(config.endpoint().isTls());
        try (Client client = Client.connect(config)) {
            assertEquals("hello\n", client.request("hello\n"));
            assertEquals("TLSv1.3", client.tlsSession().orElseThrow().getProtocol());
        }
    }

    @Test
    void aDatagramServerGetsADatagramRelay(
            @SocketServer(socket = SocketKind.UDP) Server udp, @SocketRelay(target = "udp") ClientConfig config) {
        assertEquals(SocketKind.UDP, config.endpoint().kind());
        try (Client client = Client.connect(config.withReadTimeout(WAIT).withExchangeTimeout(WAIT))) {
            assertEquals("one datagram", client.request("one datagram"));
        }
    }

    /** Filled by {@link Lifecycle}, which {@link #aRelayIsClosedAfterItsTest} runs with the real engine. */
    static final List<Endpoint> relayed = new CopyOnWriteArrayList<>();

    /** Run by {@link Launch}: a test whose relay must be gone once it has run. */
    static class Lifecycle {
        @Test
        void test(@SocketServer Server echo, @SocketRelay(target = "echo") Relay relay) {
            relayed.add(relay.endpoint());
            try (Client client = connect(relay.endpoint())) {
                assertEquals("ping", client.request("ping"));
            }
        }
    }

    @Test
    void aRelayIsClosedAfterItsTest() {
        relayed.clear();
        Launch.runPassing(Lifecycle.class, 1);
        assertEquals(1, relayed.size());
        assertGone(relayed.get(0));
    }

    static class UnknownTarget {
        @SocketRelay(target = "nowhere")
        Relay relay;

        @Test
        void test() {}
    }

    static class UnknownParameter {
        @Test
        void test(@SocketServer Server server, @SocketRelay(target = "serve") Relay relay) {}
    }

    static class WrongType {
        @Test
        void test(@SocketServer Server server, @SocketRelay(target = "server") String relay) {}
    }

    static class StaticRelayToAnInstanceServer {
        @SocketServer
        Server server;

        @SocketRelay(target = "server")
        static Relay relay;

        @Test
        void test() {}
    }

    static class BadFault {
        @SocketServer
        Server server;

        @SocketRelay(target = "server", faults = "latency:sideways")
        Relay relay;

        @Test
        void test() {}
    }

    static class DatagramFaultOnAStream {
        @SocketServer
        Server server;

        @SocketRelay(target = "server", faults = "drop:rate=0.5")
        Relay relay;

        @Test
        void test() {}
    }

    static class BadEndpoint {
        @SocketRelay(target = "tcp://127.0.0.1:99999")
        Relay relay;

        @Test
        void test() {}
    }

    @Test
    void aMisusedAnnotationFailsNamingTheFieldAndWhatIsWrong() {
        assertFailsWith(
                UnknownTarget.class,
                "@SocketRelay field UnknownTarget.relay: target 'nowhere' is neither a @SocketServer field of"
                        + " UnknownTarget nor an endpoint");
        assertFailsWith(
                UnknownParameter.class,
                "@SocketRelay parameter 'relay' of test(): target 'serve' is neither a @SocketServer field of"
                        + " UnknownParameter, nor a @SocketServer parameter of the same method, nor an endpoint");
        assertFailsWith(
                WrongType.class,
                "@SocketRelay parameter 'relay' of test() has type java.lang.String; it must be Relay, Endpoint or"
                        + " ClientConfig");
        assertFailsWith(
                StaticRelayToAnInstanceServer.class,
                "@SocketRelay field StaticRelayToAnInstanceServer.relay is static, so it cannot target field"
                        + " StaticRelayToAnInstanceServer.server");
        assertFailsWith(BadFault.class, "@SocketRelay field BadFault.relay: ");
        assertFailsWith(DatagramFaultOnAStream.class, "@SocketRelay field DatagramFaultOnAStream.relay: ");
        assertFailsWith(BadEndpoint.class, "@SocketRelay field BadEndpoint.relay: ");
    }

    private static void assertFailsWith(Class<?> testClass, String message) {
        List<String> failures = Launch.failures(testClass);
        assertEquals(1, failures.size(), () -> testClass.getSimpleName() + ": " + failures);
        String failure = failures.get(0);
        assertTrue(failure.contains("ExtensionConfigurationException: " + message), failure);
    }

    @Test
    void theRelaysTargetIsTheServersRealAddress() {
        assertEquals(
                new InetSocketAddress("127.0.0.1", server.endpoint().port()),
                relay.target().inetSocketAddress());
    }
}
