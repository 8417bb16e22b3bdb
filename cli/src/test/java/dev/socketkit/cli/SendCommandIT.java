package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
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
        Finished send = sendWithFiles(data, "send", endpoint);
        assertEquals(0, send.status(), send::stderr);
        assertArrayEquals(data, send.stdout());
    }

    @Test
    void keepsALongStdinLineWholeWithLineFraming() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        byte[] line = (new String(new byte[200_000]).replace('\0', 'x') + "\n").getBytes(StandardCharsets.US_ASCII);
        Finished send = sendWithFiles(line, "send", endpoint, "--framing", "line", "--max-frame-length", "256k");
        assertEquals(0, send.status(), send::stderr);
        assertEquals(line.length, send.stdout().length, "nothing added, nothing lost");
        assertArrayEquals(line, send.stdout());
    }

    @Test
    void refusesAStdinLineOverTheLimitInsteadOfSplittingIt() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        byte[] line = new String(new byte[200_000]).replace('\0', 'x').getBytes(StandardCharsets.US_ASCII);
        Finished send = sendWithFiles(line, "send", endpoint, "--framing", "line");
        assertEquals(1, send.status(), send::stderr);
        assertEquals(0, send.stdout().length, "part of the line was sent and echoed");
        List<String> errors = send.stderr().lines().toList();
        assertEquals(1, errors.size(), send::stderr);
        assertTrue(
                errors.get(0).contains("stdin line 1 is over the limit of 65536 bytes (--max-frame-length)"),
                send::stderr);
    }

    @Test
    void sendsStdinLinesToADatagramSocketByteExact() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "udp://127.0.0.1:0");
        Finished send = sendWithFiles(new byte[] {(byte) 0xff, (byte) 0xfe, '\n'}, "send", endpoint);
        assertEquals(0, send.status(), send::stderr);
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xfe, '\n'}, send.stdout());
    }

    @Test
    void refusesAStdinLineLongerThanTheLargestUdpDatagram() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "udp://127.0.0.1:0");
        Finished send = sendWithFiles(new byte[65_508], "send", endpoint);
        assertEquals(1, send.status(), send::stderr);
        assertEquals(
                "socketkit: stdin line 1 is over the limit of 65507 bytes (the largest datagram); it was not sent\n",
                send.stderr());
    }

    @Test
    void sendsEachStdinLineAsADatagramAsSoonAsItIsRead() throws Exception {
        String endpoint = serve(ServerKind.WELCOME, "udp://127.0.0.1:0");
        socketkit = SocketKitProcess.startWithOpenStdin("send", endpoint);
        typeAndAwaitReply("one", "Data received:one");
        typeAndAwaitReply("two", "Data received:two");
        socketkit.closeStdin();
        assertEquals(0, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
    }

    @Test
    void waitsAsLongAsStdinIsOpenWithoutATimeout() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        socketkit = SocketKitProcess.startWithOpenStdin("send", endpoint);
        typeAndAwaitReply("a", "a");
        // Longer than the 5 s that send once waited for a reply before it gave up on an open stdin.
        assertFalse(socketkit.waitFor(6, TimeUnit.SECONDS), () -> "send gave up while stdin was open; " + socketkit);
        typeAndAwaitReply("b", "b");
        socketkit.closeStdin();
        assertEquals(0, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        assertEquals(List.of("a", "b"), socketkit.stdout());
    }

    @Test
    void timeoutGivenWithStdinBoundsTheWaitForASilentServer() throws Exception {
        try (FaultyEchoServer silent = FaultyEchoServer.silentTcp()) {
            socketkit = SocketKitProcess.startWithOpenStdin("send", silent.endpoint(), "--timeout", "1s");
            socketkit.writeStdin("anyone?\n");
            socketkit.assertRefused(3, "no reply from " + silent.endpoint() + " within 1s");
        }
    }

    @Test
    void timeoutNoneWaitsWithoutALimit() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        assertEquals(List.of("hi"), send(0, "send", endpoint, "hi", "--timeout", "none"));
    }

    @Test
    void zeroTimeoutMeansNoLimitAsEverywhereElse() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        assertEquals(List.of("hi"), send(0, "send", endpoint, "hi", "--timeout", "0"));
    }

    @Test
    void aTimeoutThatIsNotADurationIsAUsageErrorThatOffersNone() throws Exception {
        socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:1", "hi", "--timeout", "-5s");
        socketkit.assertRefused(2, "--timeout", "'-5s' is not a duration", "0 or none for no limit");
    }

    @Test
    void endlessServerCannotGrowSendWhoseStdoutIsNotRead() throws Exception {
        long limit = 1L << 30; // the server's bound: 1 GiB, sixteen times the heap send is given
        AtomicLong written = new AtomicLong();
        CountDownLatch accepted = new CountDownLatch(1);
        try (ServerSocket endless = new ServerSocket()) {
            endless.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread writer = new Thread(
                    () -> {
                        try (Socket connection = endless.accept()) {
                            connection.setSendBufferSize(64 * 1024);
                            accepted.countDown();
                            byte[] zeros = new byte[64 * 1024];
                            while (written.get() < limit) {
                                connection.getOutputStream().write(zeros);
                                written.addAndGet(zeros.length);
                            }
                        } catch (IOException e) {
                            // send was stopped: the end of this server's work.
                        }
                    },
                    "endless-writer");
            writer.setDaemon(true);
            writer.start();
            Path err = dir.resolve("err.txt");
            Process send = SocketKitProcess.builder(
                            List.of(),
                            List.of("-Xmx64m"),
                            "send",
                            "tcp://127.0.0.1:" + endless.getLocalPort(),
                            "hi",
                            // A fixed receive buffer, so that the kernel's share stays small too.
                            "--sockopt",
                            "SO_RCVBUF=64k")
                    .redirectError(err.toFile())
                    .start();
            try {
                send.getOutputStream().close();
                assertTrue(accepted.await(20, TimeUnit.SECONDS), "send did not connect");
                // Nobody reads send's stdout for a while: it must neither die nor take in what it cannot pass on.
                assertFalse(send.waitFor(3, TimeUnit.SECONDS), () -> "send exited: " + readQuietly(err));
                long taken = written.get();
                assertTrue(taken < 16 << 20, () -> "send took " + taken + " bytes while its stdout was not read");

                byte[] first = send.getInputStream().readNBytes(1 << 20);
                assertArrayEquals(new byte[1 << 20], first, "the first MiB on stdout");
                assertTrue(written.get() < limit, "the server still streams: send passed data on as it came");
                assertTrue(send.isAlive(), () -> readQuietly(err));
            } finally {
                send.destroyForcibly();
                send.waitFor(10, TimeUnit.SECONDS);
            }
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
    void noHalfCloseAgainstASilentServerExitsThree() throws Exception {
        try (FaultyEchoServer silent = FaultyEchoServer.silentTcp()) {
            // Long enough that a loaded machine has sent "hi" before it runs out: the wait for a reply is what times
            // out.
            socketkit = SocketKitProcess.start("send", silent.endpoint(), "hi", "--no-half-close", "--timeout", "3s");
            socketkit.assertRefused(3, "no reply from " + silent.endpoint() + " within 3s");
        }
    }

    @Test
    void serverThatClosesWithoutAReplyExitsThree() throws Exception {
        try (ServerSocket closer = new ServerSocket()) {
            closer.bind(new InetSocketAddress("127.0.0.1", 0));
            // accept() ignores JUnit's @Timeout: a send that never connects (one that failed at start) must not hang
            // the build.
            closer.setSoTimeout(20_000);
            String endpoint = "tcp://127.0.0.1:" + closer.getLocalPort();
            socketkit = SocketKitProcess.start("send", endpoint, "hi");
            try (Socket accepted = closer.accept()) {
                accepted.setSoTimeout(10_000);
                accepted.getInputStream().readAllBytes(); // up to send's half-close; then close without a word
            }
            socketkit.assertRefused(3, endpoint + " closed without a reply");
        }
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
            rude.setSoTimeout(20_000); // as above: accept() must not wait for a send that never connects
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
            String endpoint = "tcp://127.0.0.1:" + silent.getLocalPort();
            // Long enough that a loaded machine has sent "hi" before it runs out: the wait for a reply is what times
            // out.
            socketkit = SocketKitProcess.start("send", endpoint, "hi", "--timeout", "3s");
            String line = socketkit.assertRefused(3, "no reply from " + endpoint + " within 3s");
            assertFalse(line.contains("-1"), line);
        }
    }

    @Test
    void negativeRepliesIsAUsageError() throws Exception {
        socketkit = SocketKitProcess.start("send", "tcp://127.0.0.1:1", "hi", "--replies", "-1");
        socketkit.assertRefused(2, "--replies", "-1");
    }

    @Test
    void aMessageLargerThanADatagramIsAUsageErrorNamingTheLimit() throws Exception {
        socketkit = SocketKitProcess.start("send", "udp://127.0.0.1:1", "a".repeat(70_000));
        socketkit.assertRefused(2, "70000 bytes", "udp://127.0.0.1:1", "at most 65507 bytes");
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

    @Test
    void frameOverTheLimitNamesTheLimit() throws Exception {
        String endpoint = serve(ServerKind.ECHO, "tcp://127.0.0.1:0");
        String[] args = {"send", endpoint, "far longer than ten bytes", "--framing", "line", "--max-frame-length", "10"
        };
        socketkit = SocketKitProcess.start(args);
        socketkit.assertRefused(1, endpoint + " sent a frame over the limit of 10 bytes");
        socketkit.close();

        socketkit = SocketKitProcess.start(
                Stream.concat(Stream.of(args), Stream.of("--debug")).toArray(String[]::new));
        assertEquals(1, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
        assertEquals(
                "socketkit: " + endpoint + " sent a frame over the limit of 10 bytes",
                socketkit.stderr().get(0),
                socketkit::toString);
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

    /** Writes {@code line} to send's open stdin and waits for {@code reply} on its stdout, while stdin stays open. */
    private void typeAndAwaitReply(String line, String reply) throws Exception {
        socketkit.writeStdin(line + "\n");
        socketkit.awaitStdoutLine(reply::equals, SocketKitProcess.START_TIMEOUT);
    }

    /** What a process left: its exit status, its stdout's bytes and its stderr's text. */
    private record Finished(int status, byte[] stdout, String stderr) {}

    /** Runs {@code socketkit ARGS} with {@code input} as stdin and stdout in a file, for byte-exact checks. */
    private Finished sendWithFiles(byte[] input, String... args) throws Exception {
        Path in = Files.write(dir.resolve("in.bin"), input);
        Path out = dir.resolve("out.bin");
        Path err = dir.resolve("err.txt");
        Process process = SocketKitProcess.builder(List.of(), List.of(), args)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), () -> "send did not finish; " + readQuietly(err));
            return new Finished(process.exitValue(), Files.readAllBytes(out), readQuietly(err));
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
