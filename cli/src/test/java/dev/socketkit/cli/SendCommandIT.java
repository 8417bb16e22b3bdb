package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code socketkit send} run as a process against socketkit's servers: output, stdin streaming, every exit code. */
@Timeout(60)
class SendCommandIT {
    @TempDir
    Path dir;

    private Server server;
    private SocketKitProcess socketkit;

    @AfterEach
    void stop() {
        if (socketkit != null) {
            socketkit.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String serve(ServerKind kind, String endpoint) {
        server = Server.start(ServerConfig.defaults().withKind(kind).withEndpoint(Endpoint.parse(endpoint)));
        return server.endpoint().toString();
    }

    private List<String> send(int expectedStatus, String... args) throws Exception {
        socketkit = SocketKitProcess.start(args);
        assertEquals(expectedStatus, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> socketkit.toString());
        return socketkit.stdout();
    }

    @Test
    void printsTheReplyServersAnswerOverTcp() throws Exception {
        String endpoint = serve(ServerKind.REPLY, "tcp://127.0.0.1:0");
        assertEquals(List.of("Thanks for connecting"), send(0, "send", endpoint, "Hello, World!"));
        assertEquals(List.of(), socketkit.stderr());
    }

    @Test
    void printsWelcomeAndAnswerOverAUnixSocket() throws Exception {
        String endpoint = serve(ServerKind.WELCOME, "unix://" + dir.resolve("w.sock"));
        assertEquals(
                List.of("Welcome to the serverData received:Hello, World!"),
                send(0, "send", endpoint, "Hello, World!"));
    }

    @Test
    void printsOneDatagramReplyPerMessageOverUdpAndUnixgram() throws Exception {
        String udp = serve(ServerKind.WELCOME, "udp://127.0.0.1:0");
        assertEquals(List.of("Data received:a", "Data received:b"), send(0, "send", udp, "a", "b"));
        server.close();
        String unixgram = serve(ServerKind.ECHO, "unixgram://" + dir.resolve("g.sock"));
        assertEquals(List.of("one"), send(0, "send", unixgram, "one"));
    }

    @Test
    void streamsOneMebibyteOfStdinByteExact() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        byte[] data = new byte[1 << 20];
        new Random(11).nextBytes(data);
        Path in = Files.write(dir.resolve("in.bin"), data);
        Path out = dir.resolve("out.bin");
        Process process = new ProcessBuilder(
                        SocketKitProcess.java(), "-jar", SocketKitProcess.jar().toString(), "send", endpoint)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        try {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "send did not finish");
            assertEquals(0, process.exitValue(), () -> readQuietly(dir.resolve("err.txt")));
            assertArrayEquals(data, Files.readAllBytes(out));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void noHalfCloseStopsAfterTheExpectedReplies() throws Exception {
        server = Server.start(ServerConfig.defaults()
                .withKind(ServerKind.WELCOME)
                .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))
                .withFraming(dev.socketkit.codec.Framing.line(1024)));
        String endpoint = server.endpoint().toString();
        assertEquals(
                List.of("Welcome to the server", "Data received:hi"),
                send(0, "send", endpoint, "hi", "--framing", "line", "--no-half-close", "--replies", "2"));
    }

    @Test
    void noHalfCloseWithoutRepliesEndsWhenTheConnectionIsIdle() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        assertEquals(List.of("hi"), send(0, "send", endpoint, "hi", "--no-half-close", "--timeout", "2s"));
    }

    @Test
    void sendsOneDatagramPerStdinLine() throws Exception {
        String endpoint = serve(ServerKind.WELCOME, "udp://127.0.0.1:0");
        Path in = Files.writeString(dir.resolve("lines.txt"), "a\nb\r\nc\n");
        socketkit = SocketKitProcess.startWithStdin(in, "send", endpoint);
        assertEquals(0, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        assertEquals(List.of("Data received:a", "Data received:b", "Data received:c"), socketkit.stdout());
    }

    @Test
    void refusedPortExitsOneNamingTheEndpoint() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = probe.getLocalPort();
        }
        socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:" + port, "hi");
        socketkit.assertRefused(1, "connection refused: tcp://127.0.0.1:" + port);
    }

    @Test
    void missingSocketFileExitsOne() throws Exception {
        socketkit = SocketKitProcess.start("send", "unix://" + dir.resolve("none.sock"), "hi");
        socketkit.assertRefused(1, "no such socket file", "none.sock");
    }

    @Test
    void unknownHostExitsOne() throws Exception {
        socketkit = SocketKitProcess.start("send", "tcp://no-such-host.invalid:80", "hi");
        socketkit.assertRefused(1, "host not found", "no-such-host.invalid");
    }

    @Test
    void connectionResetByTheServerExitsOne() throws Exception {
        try (ServerSocket rude = new ServerSocket()) {
            rude.bind(new InetSocketAddress("127.0.0.1", 0));
            socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:" + rude.getLocalPort(), "hi");
            try (Socket accepted = rude.accept()) {
                accepted.setSoTimeout(10_000);
                // Read to send's half-close, so the reset comes while it waits for replies, not while it writes.
                accepted.getInputStream().readAllBytes();
                accepted.setSoLinger(true, 0); // close with a reset (RST) instead of the orderly FIN
            }
            socketkit.assertRefused(1, "connection reset by tcp://127.0.0.1:" + rude.getLocalPort());
        }
    }

    @Test
    void fewerRepliesThanExpectedExitsThree() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "udp://127.0.0.1:0");
        socketkit = SocketKitProcess.start("send", endpoint, "a", "--replies", "3", "--timeout", "2s");
        assertEquals(3, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT));
        assertEquals(List.of("a"), socketkit.stdout());
        assertEquals(1, socketkit.stderr().size(), socketkit::toString);
        assertTrue(socketkit.stderr().get(0).contains("1 of 3 expected replies"), socketkit::toString);
    }

    @Test
    void silentServerTimesOutWithExitThree() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            socketkit = SocketKitProcess.start(
                    "send", "tcp://127.0.0.1:" + silent.getLocalPort(), "hi", "--timeout", "300ms");
            assertEquals(3, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
            assertTrue(socketkit.stderr().get(0).startsWith("socketkit: "), socketkit::toString);
        }
    }

    @Test
    void negativeRepliesIsAUsageError() throws Exception {
        socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:1", "hi", "--replies", "-1");
        socketkit.assertRefused(2, "--replies", "-1");
    }

    @Test
    void noHalfCloseOnADatagramSocketIsAUsageError() throws Exception {
        socketkit = SocketKitProcess.start("send", "udp://127.0.0.1:1", "hi", "--no-half-close");
        socketkit.assertRefused(2, "--no-half-close applies to stream sockets");
    }

    @Test
    void zeroBufferSizeIsAUsageError() throws Exception {
        socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:1", "hi", "--buffer-size", "0");
        socketkit.assertRefused(2, "--buffer-size", "out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "3g"})
    void maxFrameLengthOutOfRangeNamesTheRange(String length) throws Exception {
        socketkit = SocketKitProcess.start(
                "send", "tcp://127.0.0.1:1", "hi", "--framing", "line", "--max-frame-length", length);
        socketkit.assertRefused(2, "--max-frame-length", "'" + length + "'", "1-2147483639");
    }

    @Test
    void badTimeoutIsAUsageError() throws Exception {
        socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:1", "hi", "--timeout", "soon");
        socketkit.assertRefused(2, "--timeout", "'soon'");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
