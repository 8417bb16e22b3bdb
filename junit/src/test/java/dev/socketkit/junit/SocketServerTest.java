package dev.socketkit.junit;

import static dev.socketkit.junit.Clients.assertGone;
import static dev.socketkit.junit.Clients.connect;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.codec.Framing;
import dev.socketkit.junit.Launch.StoreClosing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code @SocketServer}: what it injects, for how long each server runs, that each field or parameter gets its own,
 * and how a misused annotation fails. Lifecycles are checked by running small test classes with the real engine
 * ({@link Launch}) and looking at their servers afterwards.
 */
@Timeout(30)
class SocketServerTest {
    /** Filled by the classes {@link Launch} runs; each test that runs one clears them first. */
    static final List<Server> perClass = new CopyOnWriteArrayList<>();

    static final List<Server> perTest = new CopyOnWriteArrayList<>();

    @Test
    void aParameterGetsARunningServerAndAnEndpointParameterItsRealAddress(
            @SocketServer Server echo, @SocketServer(kind = ServerKind.REPLY) Endpoint reply) {
        assertFalse(echo.isClosed());
        assertNotEquals(0, echo.endpoint().port(), "the real port, not the 0 asked for");
        assertNotEquals(0, reply.port());
        try (Client toEcho = connect(echo.endpoint());
                Client toReply = connect(reply)) {
            assertEquals("ping", toEcho.request("ping"));
            assertEquals("Thanks for connecting", toReply.request("ping"));
        }
    }

    @Test
    void severalAnnotatedParametersAreSeveralServers(
            @SocketServer Endpoint first, @SocketServer Endpoint second, @SocketServer Endpoint third) {
        assertEquals(3, List.of(first, second, third).stream().distinct().count(), "three endpoints");
        for (Endpoint endpoint : List.of(first, second, third)) {
            try (Client client = connect(endpoint)) {
                assertEquals(endpoint.toString(), client.request(endpoint.toString()));
            }
        }
    }

    @Test
    void udpEndpoint(@SocketServer(socket = SocketKind.UDP) Endpoint udp) {
        assertEquals(SocketKind.UDP, udp.kind());
        try (Client client = connect(udp)) {
            assertEquals("datagram", client.request("datagram"));
        }
    }

    @Test
    void unixEndpointIsAFreshSocketFileRemovedAfterTheServer(@SocketServer(socket = SocketKind.UNIX) Server unix) {
        Endpoint endpoint = unix.endpoint();
        assertEquals(SocketKind.UNIX, endpoint.kind());
        assertTrue(Files.exists(Path.of(endpoint.path())), endpoint::toString);
        try (Client client = connect(endpoint)) {
            assertEquals("over a file", client.request("over a file"));
        }
        unix.close(); // what the extension does after the test; closing twice is harmless
        assertFalse(Files.exists(Path.of(endpoint.path())), "the socket file is removed");
    }

    @Test
    @EnabledIf("dev.socketkit.junit.Clients#unixDatagramsAvailable")
    void unixDatagramEndpoint(@SocketServer(socket = SocketKind.UNIXGRAM) Endpoint unixgram) {
        assertEquals(SocketKind.UNIXGRAM, unixgram.kind());
        try (Client client = connect(unixgram)) {
            assertEquals("unix datagram", client.request("unix datagram"));
        }
    }

    @Test
    void kindAndFramingChooseTheServer(@SocketServer(kind = ServerKind.WELCOME, framing = "line") Endpoint welcome) {
        try (Client client = connect(welcome, Framing.line(1024))) {
            assertEquals("Welcome to the server\n", new String(client.receive(), UTF_8));
            assertEquals("Data received:hi\n", client.request("hi\n"));
        }
    }

    @Test
    void aRecordingServerRecordsWithTheAnnotationsFraming(@SocketServer(framing = "length:2") RecordingServer server) {
        server.enqueue(Reaction.reply("xyz"));
        try (Client client = connect(server.endpoint(), Framing.length(2, 1024))) {
            assertEquals("xyz", client.request("abc"));
        }
        assertEquals("abc", server.takeFrame().utf8(), "recorded without its length prefix");
    }

    /** Run by {@link #staticFieldServesTheClassAndAnInstanceFieldEachTestClosedAfterward}. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Lifecycle {
        @SocketServer
        static Server shared;

        @SocketServer
        Server own;

        @SocketServer
        private Server another;

        @Test
        @Order(1)
        void first() {
            check();
        }

        @Test
        @Order(2)
        void second() {
            assertTrue(perTest.get(0).isClosed(), "the first test's server is closed after that test");
            assertTrue(perTest.get(1).isClosed(), "the first test's other server too");
            check();
        }

        private void check() {
            assertFalse(shared.isClosed());
            assertFalse(own.isClosed());
            assertNotSame(own, another, "each field has a server of its own");
            for (Server server : List.of(shared, own, another)) {
                try (Client client = connect(server.endpoint())) {
                    assertEquals("alive", client.request("alive"));
                }
            }
            perClass.add(shared);
            perTest.add(own);
            perTest.add(another);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StoreClosing.class)
    void staticFieldServesTheClassAndAnInstanceFieldEachTestClosedAfterward(StoreClosing closing) {
        perClass.clear();
        perTest.clear();
        Launch.runPassing(Lifecycle.class, 2, closing);
        assertEquals(2, perClass.size());
        assertSame(perClass.get(0), perClass.get(1), "one server for the whole class");
        assertEquals(4, perTest.size());
        assertEquals(4, perTest.stream().distinct().count(), "a new server for each field and test");
        for (Server server : List.of(perClass.get(0), perTest.get(0), perTest.get(1), perTest.get(2), perTest.get(3))) {
            assertTrue(server.isClosed(), server::toString);
            assertGone(server.endpoint());
        }
    }

    /** Run by {@link #parametersLiveAsLongAsTheirMethodsContext}. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Parameters {
        static Server beforeAll;
        Server beforeEach;

        @BeforeAll
        static void startForTheClass(@SocketServer Server server) {
            beforeAll = server;
        }

        @BeforeEach
        void startForEachTest(@SocketServer(socket = SocketKind.UNIX) Server server) {
            beforeEach = server;
        }

        @Test
        @Order(1)
        void first(@SocketServer RecordingServer recording) {
            check(recording.server());
        }

        @Test
        @Order(2)
        void second(@SocketServer RecordingServer recording) {
            assertTrue(perTest.stream().allMatch(Server::isClosed), "the first test's servers are closed");
            check(recording.server());
        }

        private void check(Server recording) {
            for (Server server : List.of(beforeAll, beforeEach, recording)) {
                assertFalse(server.isClosed(), server::toString);
            }
            perClass.add(beforeAll);
            perTest.add(beforeEach);
            perTest.add(recording);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StoreClosing.class)
    void parametersLiveAsLongAsTheirMethodsContext(StoreClosing closing) {
        perClass.clear();
        perTest.clear();
        Launch.runPassing(Parameters.class, 2, closing);
        assertSame(perClass.get(0), perClass.get(1), "a @BeforeAll parameter's server serves the class");
        assertEquals(4, perTest.stream().distinct().count(), "@BeforeEach and test parameters: new for each test");
        for (Server server : List.of(perClass.get(0), perTest.get(0), perTest.get(1), perTest.get(2), perTest.get(3))) {
            assertTrue(server.isClosed(), server::toString);
            assertGone(server.endpoint());
        }
    }

    /** Run by {@link #nestedAndPerClassInstancesGetNewServersForEachTest}: an enclosing instance's field too. */
    static class Enclosing {
        @SocketServer
        Server outer;

        @Nested
        class Inner {
            @SocketServer
            Server inner;

            @Test
            void first() {
                check();
            }

            @Test
            void second() {
                check();
            }

            private void check() {
                assertFalse(outer.isClosed());
                assertFalse(inner.isClosed());
                perTest.add(outer);
                perTest.add(inner);
            }
        }
    }

    /** Run by {@link #nestedAndPerClassInstancesGetNewServersForEachTest}: one instance, yet a server per test. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassInstance {
        @SocketServer
        Server server;

        @Test
        void first() {
            check();
        }

        @Test
        void second() {
            check();
        }

        private void check() {
            try (Client client = connect(server.endpoint())) {
                assertEquals("here", client.request("here"));
            }
            perTest.add(server);
        }
    }

    @Test
    void nestedAndPerClassInstancesGetNewServersForEachTest() {
        perTest.clear();
        Launch.runPassing(Enclosing.class, 2);
        assertEquals(4, perTest.size());
        assertEquals(4, perTest.stream().distinct().count(), "the enclosing instance's field is new for each test too");
        perTest.clear();
        Launch.runPassing(PerClassInstance.class, 2);
        assertNotSame(perTest.get(0), perTest.get(1));
        for (Server server : perTest) {
            assertTrue(server.isClosed(), server::toString);
        }
    }

    static class FinalField {
        @SocketServer
        final Server server = null;

        @Test
        void test() {}
    }

    static class WrongType {
        @SocketServer
        String server;

        @Test
        void test() {}
    }

    static class UnknownFraming {
        @Test
        void test(@SocketServer(framing = "lines") Server server) {}
    }

    static class FramingOnDatagrams {
        @SocketServer(socket = SocketKind.UDP, framing = "line")
        Endpoint endpoint;

        @Test
        void test() {}
    }

    static class UnknownTransport {
        @SocketServer(io = "carrier-pigeon")
        static Endpoint endpoint;

        @Test
        void test() {}
    }

    static class TransportWithoutTheSocket {
        @Test
        void test(@SocketServer(socket = SocketKind.UNIXGRAM, io = "nio") Endpoint endpoint) {}
    }

    static class TlsOnDatagrams {
        @Test
        void test(@SocketServer(socket = SocketKind.UDP, tls = true) ClientConfig config) {}
    }

    static class ProxyProtocolOnDatagrams {
        @Test
        void test(@SocketServer(socket = SocketKind.UDP, proxyProtocol = true) Endpoint endpoint) {}
    }

    @Test
    void misusesFailWithAConfigurationErrorNamingTheFieldOrParameter() {
        assertFailsWith(FinalField.class, "@SocketServer field FinalField.server must not be final");
        assertFailsWith(
                WrongType.class,
                "@SocketServer field WrongType.server has type java.lang.String; it must be Server, Endpoint,"
                        + " RecordingServer or ClientConfig");
        assertFailsWith(UnknownFraming.class, "@SocketServer parameter 'server' of test(): unknown framing 'lines'");
        assertFailsWith(
                FramingOnDatagrams.class,
                "@SocketServer field FramingOnDatagrams.endpoint: framing line applies to stream sockets");
        assertFailsWith(UnknownTransport.class, "@SocketServer field UnknownTransport.endpoint: unknown transport");
        assertFailsWith(
                TransportWithoutTheSocket.class,
                "@SocketServer parameter 'endpoint' of test(): nio has no unixgram sockets");
        assertFailsWith(
                TlsOnDatagrams.class,
                "@SocketServer parameter 'config' of test(): tls = true needs a stream socket (TCP or UNIX), not UDP;"
                        + " DTLS for datagram sockets is not offered");
        assertFailsWith(
                ProxyProtocolOnDatagrams.class,
                "@SocketServer parameter 'endpoint' of test(): the PROXY protocol applies to stream sockets"
                        + " (tcp, unix), not udp");
    }

    private static void assertFailsWith(Class<?> testClass, String message) {
        List<String> failures = Launch.failures(testClass);
        assertEquals(1, failures.size(), () -> testClass.getSimpleName() + ": " + failures);
        String failure = failures.get(0);
        assertTrue(failure.contains("ExtensionConfigurationException: " + message), failure);
    }
}
