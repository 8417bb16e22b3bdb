package dev.socketkit.junit;

import static dev.socketkit.junit.Clients.connect;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientException;
import dev.socketkit.codec.Framing;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link RecordingServer}: what it records, and each kind of reaction as a client sees it, over real loopback and Unix
 * sockets. Nothing here measures time: a delay is checked by the order of what arrives.
 */
@Timeout(30)
class RecordingServerTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    private static RecordingServer tcp() {
        return RecordingServer.start(Endpoint.anyLocal(SocketKind.TCP));
    }

    private static RecordingServer lines(SocketKind kind) {
        return RecordingServer.start(ServerConfig.defaults()
                .withEndpoint(Endpoint.anyLocal(kind))
                .withFraming(Framing.line(1024))
                .withShutdownTimeout(Duration.ZERO));
    }

    private static String text(byte[] frame) {
        return new String(frame, UTF_8);
    }

    @Test
    void recordsEachFrameWithItsConnectionInAcceptOrderAndItsPeer() throws IOException {
        try (RecordingServer server = lines(SocketKind.TCP);
                Socket first = new Socket("127.0.0.1", server.endpoint().port());
                Socket second = new Socket("127.0.0.1", server.endpoint().port())) {
            send(first, "a\n");
            RecordedFrame a = server.takeFrame();
            send(second, "b\n");
            RecordedFrame b = server.takeFrame();
            send(first, "c\n");
            RecordedFrame c = server.takeFrame();

            assertEquals(new RecordedFrame(1, first.getLocalSocketAddress(), "a\n".getBytes(UTF_8)), a);
            assertEquals(new RecordedFrame(2, second.getLocalSocketAddress(), "b\n".getBytes(UTF_8)), b);
            assertEquals(new RecordedFrame(1, first.getLocalSocketAddress(), "c\n".getBytes(UTF_8)), c);
            assertFalse(a.isDatagram());
            assertEquals(2, server.connectionCount());
            assertEquals(3, server.frameCount());
        }
    }

    /** Behind a proxy, each frame is recorded with the client its PROXY header named, not the proxy's address. */
    @Test
    void behindAProxyEachFrameIsRecordedWithTheHeadersClient() throws IOException {
        try (RecordingServer server = RecordingServer.start(ServerConfig.defaults()
                        .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
                        .withFraming(Framing.line(1024))
                        .withProxyProtocol(true)
                        .withShutdownTimeout(Duration.ZERO));
                Socket proxy = new Socket("127.0.0.1", server.endpoint().port())) {
            send(
                    proxy,
                    "PROXY TCP4 203.0.113.7 127.0.0.1 4242 " + server.endpoint().port() + "\r\nping\n");
            assertEquals(
                    new RecordedFrame(1, new InetSocketAddress("203.0.113.7", 4242), "ping\n".getBytes(UTF_8)),
                    server.takeFrame());
        }
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(UTF_8));
        out.flush();
    }

    @Test
    void eachFrameTakesTheNextReactionAcrossConnectionsThenNothingIsAnswered() {
        try (RecordingServer server = tcp();
                Client a = connect(server.endpoint());
                Client b = connect(server.endpoint())) {
            server.enqueue(Reaction.reply("one"), Reaction.reply("two"));
            server.enqueue(Reaction.reply("three"));
            assertEquals(3, server.pendingReactions());
            assertEquals("one", a.request("1"));
            assertEquals("two", b.request("2"));
            assertEquals("three", a.request("3"));
            assertEquals(0, server.pendingReactions());

            a.send("4");
            ClientException silence = assertThrows(ClientException.class, () -> a.receive(SHORT));
            assertEquals(ClientException.Reason.TIMED_OUT, silence.reason(), "the script is used up: no answer");
            List<String> frames = List.of(
                    server.takeFrame().utf8(),
                    server.takeFrame().utf8(),
                    server.takeFrame().utf8(),
                    server.takeFrame().utf8());
            assertEquals(List.of("1", "2", "3", "4"), frames);
        }
    }

    @Test
    void aReactionRunsItsStepsInOrder() {
        try (RecordingServer server = lines(SocketKind.TCP);
                Client client = connect(server.endpoint(), Framing.line(1024))) {
            server.enqueue(Reaction.reply("a").thenReply("b".getBytes(UTF_8)).thenEcho());
            client.send("c\n");
            assertEquals("a\n", text(client.receive()), "a line framing ends each reply with a newline");
            assertEquals("b\n", text(client.receive()));
            assertEquals("c\n", text(client.receive()));
        }
    }

    @Test
    void aDelayedAnswerHoldsBackLaterAnswersOnItsConnection() {
        try (RecordingServer server = lines(SocketKind.TCP);
                Client client = connect(server.endpoint(), Framing.line(1024))) {
            server.enqueue(Reaction.delay(Duration.ofMillis(200)).thenReply("late"), Reaction.reply("prompt"));
            client.send("first\nsecond\n");
            assertEquals("late\n", text(client.receive()));
            assertEquals("prompt\n", text(client.receive()), "ready at once, yet after the delayed answer");
        }
    }

    @Test
    void aDelayedAnswerStillReachesAClientThatShutDownItsSide() {
        try (RecordingServer server = tcp();
                Client client = connect(server.endpoint())) {
            server.enqueue(
                    Reaction.delay(Duration.ofMillis(100)).thenReply("late").thenClose());
            client.send("request");
            client.shutdownOutput();
            List<String> answers = client.receiveUntilClosed().stream()
                    .map(RecordingServerTest::text)
                    .toList();
            assertEquals(List.of("late"), answers);
        }
    }

    @Test
    void halfCloseEndsTheClientsInputAndLetsItSendOn() {
        try (RecordingServer server = tcp();
                Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.reply("bye").thenHalfClose(), Reaction.reply("unsendable"));
            assertEquals("bye", client.request("hi"));
            ClientException end = assertThrows(ClientException.class, client::receive);
            assertEquals(ClientException.Reason.CLOSED, end.reason(), end::getMessage);

            client.send("still talking");
            assertEquals("hi", server.takeFrame().utf8());
            assertEquals("still talking", server.takeFrame().utf8(), "recorded after the half-close");
            assertTrue(client.isOpen());
        }
    }

    @Test
    void closeClosesAfterWhatWasWritten() {
        try (RecordingServer server = tcp();
                Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.reply("last words").thenClose());
            client.send("hello");
            List<String> answers = client.receiveUntilClosed().stream()
                    .map(RecordingServerTest::text)
                    .toList();
            assertEquals(List.of("last words"), answers);
        }
    }

    @Test
    void resetIsAConnectionResetForTheClient() {
        try (RecordingServer server = tcp();
                Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.reset());
            client.send("hello");
            ClientException reset = assertThrows(ClientException.class, client::receive);
            assertEquals(ClientException.Reason.RESET, reset.reason(), reset::getMessage);
        }
    }

    @Test
    void onConnectGreetsEachConnectionWithoutUsingTheScript() {
        try (RecordingServer server = tcp()) {
            server.onConnect(Reaction.reply("220 ready")).enqueue(Reaction.reply("250 ok"));
            try (Client client = connect(server.endpoint())) {
                assertEquals("220 ready", text(client.receive()), "before the client sends anything");
                assertEquals("250 ok", client.request("HELO"));
            }
            assertEquals(1, server.frameCount(), "the greeting is not a frame received");
        }
    }

    @Test
    void theDefaultReactionAnswersOnceTheScriptIsUsedUp() {
        try (RecordingServer server = tcp();
                Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.reply("scripted")).setDefaultReaction(Reaction.echo());
            assertEquals("scripted", client.request("one"));
            assertEquals("two", client.request("two"));
            assertEquals("three", client.request("three"));
        }
    }

    @Test
    void dropLeavesADatagramUnansweredAndTheNextIsAnswered() {
        try (RecordingServer server = RecordingServer.start(Endpoint.anyLocal(SocketKind.UDP));
                Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.drop(), Reaction.reply("second"));
            client.send("one");
            ClientException lost = assertThrows(ClientException.class, () -> client.receive(SHORT));
            assertEquals(ClientException.Reason.TIMED_OUT, lost.reason());
            assertEquals("second", client.request("two"));

            RecordedFrame one = server.takeFrame();
            RecordedFrame two = server.takeFrame();
            assertEquals("one", one.utf8());
            assertEquals("two", two.utf8());
            assertTrue(one.isDatagram());
            assertEquals(0, one.connection(), "a datagram has no connection");
            assertEquals(one.peer(), two.peer(), "both from the client's one socket");
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void eachDatagramAnswerGoesToItsSender() {
        try (RecordingServer server = RecordingServer.start(Endpoint.anyLocal(SocketKind.UDP));
                Client a = connect(server.endpoint());
                Client b = connect(server.endpoint())) {
            server.enqueue(
                    Reaction.reply("for a"), Reaction.reply("for b").thenDelay(SHORT), Reaction.reply("a again"));
            assertEquals("for a", a.request("from a"));
            assertEquals("for b", b.request("from b"));
            assertEquals("a again", a.request("from a"));
            RecordedFrame fromA = server.takeFrame();
            RecordedFrame fromB = server.takeFrame();
            assertInstanceOf(InetSocketAddress.class, fromA.peer());
            assertNotEquals(fromA.peer(), fromB.peer());
        }
    }

    @Test
    void unixStreamConnectionsAreRecordedAndAnswered() {
        try (RecordingServer server = lines(SocketKind.UNIX);
                Client client = connect(server.endpoint(), Framing.line(1024))) {
            server.setDefaultReaction(Reaction.echo());
            assertEquals("over unix\n", client.request("over unix\n"));
            RecordedFrame frame = server.takeFrame();
            assertEquals(1, frame.connection());
            assertNotNull(frame.peer());
            assertFalse(frame.peer() instanceof InetSocketAddress, "a Unix address: " + frame.peer());
        }
    }

    @Test
    @EnabledIf("dev.socketkit.junit.Clients#unixDatagramsAvailable")
    void unixDatagramsAreAnsweredAtTheirSendersPath() {
        try (RecordingServer server = RecordingServer.start(Endpoint.anyLocal(SocketKind.UNIXGRAM));
                Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.reply("got it"));
            assertEquals("got it", client.request("datagram"));
            RecordedFrame frame = server.takeFrame();
            assertTrue(frame.isDatagram());
            DomainSocketAddress sender = assertInstanceOf(DomainSocketAddress.class, frame.peer());
            assertFalse(sender.path().isEmpty(), "the client's own socket file");
        }
    }

    @Test
    void reactionsThatCannotRunOnTheSocketAreRefusedWhenEnqueued() {
        try (RecordingServer udp = RecordingServer.start(Endpoint.anyLocal(SocketKind.UDP));
                RecordingServer unix = RecordingServer.start(Endpoint.anyLocal(SocketKind.UNIX));
                RecordingServer tcp = tcp()) {
            IllegalArgumentException halfClose = assertThrows(
                    IllegalArgumentException.class,
                    () -> udp.enqueue(
                            Reaction.reply("fine"), Reaction.reply("x").thenHalfClose()));
            assertEquals(
                    "halfClose needs a connection; udp has none (reaction reply(1 bytes), halfClose)",
                    halfClose.getMessage());
            assertEquals(0, udp.pendingReactions(), "nothing enqueued, not even the reaction that fits");
            assertThrows(IllegalArgumentException.class, () -> udp.setDefaultReaction(Reaction.close()));
            assertThrows(IllegalArgumentException.class, () -> udp.onConnect(Reaction.reply("hello")));
            IllegalArgumentException reset =
                    assertThrows(IllegalArgumentException.class, () -> unix.enqueue(Reaction.reset()));
            assertTrue(
                    reset.getMessage().startsWith("reset is a TCP abort; unix sockets have none"), reset::getMessage);
            assertThrows(IllegalArgumentException.class, () -> tcp.onConnect(Reaction.echo()));
        }
    }

    @Test
    void takeFrameFailsTheTestWhenNoFrameComes() {
        try (RecordingServer server = tcp()) {
            AssertionError e = assertThrows(AssertionError.class, () -> server.takeFrame(Duration.ofMillis(50)));
            assertEquals(
                    "no frame received by " + server + " within 50 ms (0 received in all, each already taken)",
                    e.getMessage());
        }
    }

    @Test
    void framesRecordedBeforeCloseCanBeTakenAfterIt() {
        RecordingServer server = tcp();
        try (Client client = connect(server.endpoint())) {
            server.enqueue(Reaction.echo());
            assertEquals("kept", client.request("kept"));
        } finally {
            server.close();
        }
        assertTrue(server.server().isClosed());
        assertArrayEquals("kept".getBytes(UTF_8), server.takeFrame().data());
    }
}
