package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.codec.Framing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Framed stream servers, over TCP and Unix sockets, plain and TLS: lines keep their terminators, length-prefixed frames
 * come back prefixed, and a frame over the limit closes only its own connection.
 */
@Timeout(60)
class FramingIT {
    @TempDir
    Path directory;

    @TransportKindAndSecurityTest
    void lineEchoKeepsEachLinesOwnTerminator(Transport transport, SocketKind kind, Security security) throws Exception {
        Transports.assumeCarries(transport, kind);
        try (Server server = Transports.start(transport, config(security, kind, ServerKind.ECHO, Framing.line(1024)));
                StreamConnection client = security.connect(server.endpoint())) {
            String lines = "one\r\ntwo\nthree\r\n";
            client.write(Text.bytes(lines));
            assertEquals(lines, Text.string(client.readExactly(lines.length())));

            client.shutdownOutput();
            assertEquals("", Text.string(client.readToEnd(1024)), "nothing more before the end of the stream");
        }
    }

    @TransportKindAndSecurityTest
    void lineWelcomeEndsTheGreetingAndEachAnswerWithANewline(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        try (Server server =
                        Transports.start(transport, config(security, kind, ServerKind.WELCOME, Framing.line(1024)));
                StreamConnection client = security.connect(server.endpoint())) {
            String greeting = "Welcome to the server\n";
            assertEquals(greeting, Text.string(client.readExactly(greeting.length())));

            client.write(Text.bytes("hi\n"));
            String answer = "Data received:hi\n";
            assertEquals(answer, Text.string(client.readExactly(answer.length())));

            client.shutdownOutput();
            assertEquals("", Text.string(client.readToEnd(1024)), "nothing more before the end of the stream");
        }
    }

    @TransportKindAndSecurityTest
    void lengthEchoSendsEachFrameBackWithItsPrefix(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        try (Server server =
                        Transports.start(transport, config(security, kind, ServerKind.ECHO, Framing.length(2, 1024)));
                StreamConnection client = security.connect(server.endpoint())) {
            byte[] large = Text.random(1000, 2);
            byte[] frames = concat(frame("abc"), frame(large));
            // Two frames in one write, then the second split, so the server must wait for the rest of a frame: it has
            // read the first part before the rest is sent.
            client.write(frames);
            client.write(ByteBuffer.wrap(frames, 0, 10));
            Poll.until(
                    () -> server.stats().bytesIn() == frames.length + 10, "the server reads the split frame's start");
            client.write(ByteBuffer.wrap(frames, 10, frames.length - 10));
            assertArrayEquals(concat(frames, frames), client.readExactly(2 * frames.length));

            client.shutdownOutput();
            assertEquals("", Text.string(client.readToEnd(1024)), "nothing more before the end of the stream");
        }
    }

    @TransportKindAndSecurityTest
    void lengthWelcomePrefixesTheGreetingAndEachAnswer(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        try (Server server = Transports.start(
                        transport, config(security, kind, ServerKind.WELCOME, Framing.length(2, 1024)));
                StreamConnection client = security.connect(server.endpoint())) {
            byte[] greeting = frame("Welcome to the server");
            assertArrayEquals(greeting, client.readExactly(greeting.length), "a 2-byte length, then the greeting");

            client.write(concat(frame("hi"), frame("there")));
            byte[] answers = concat(frame("Data received:hi"), frame("Data received:there"));
            assertArrayEquals(answers, client.readExactly(answers.length), "each answer with its own length");

            client.shutdownOutput();
            assertEquals("", Text.string(client.readToEnd(1024)), "nothing more before the end of the stream");
        }
    }

    @TransportKindAndSecurityTest
    void aLineOverTheLimitClosesOnlyItsOwnConnection(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        try (Server server = Transports.start(transport, config(security, kind, ServerKind.ECHO, Framing.line(16)));
                StreamConnection offender = security.connect(server.endpoint());
                StreamConnection bystander = security.connect(server.endpoint())) {
            bystander.write(Text.bytes("before\n"));
            assertEquals("before\n", Text.string(bystander.readExactly(7)));

            offender.write(Text.bytes("x".repeat(100)));
            assertEquals(
                    "",
                    Text.string(offender.readUntilClosed(1024)),
                    "the server should close a connection whose line outgrows the limit, echoing nothing of it");

            bystander.write(Text.bytes("after\n"));
            assertEquals("after\n", Text.string(bystander.readExactly(6)), "the other connection still served");
            bystander.shutdownOutput();
            assertEquals("", Text.string(bystander.readToEnd(1024)), "nothing more before the end of the stream");
        }
    }

    private ServerConfig config(Security security, SocketKind socket, ServerKind kind, Framing framing) {
        return security.applyTo(ServerConfig.defaults()
                .withKind(kind)
                .withEndpoint(Endpoints.of(socket, directory))
                .withFraming(framing));
    }

    /** {@code payload} after its length as a 2-byte big-endian number. */
    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(2 + payload.length)
                .putShort((short) payload.length)
                .put(payload)
                .array();
    }

    private static byte[] frame(String payload) {
        return frame(Text.bytes(payload));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
