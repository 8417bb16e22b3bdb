package dev.socketkit.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code socketkit serve print} as a real process, fed by peers we did not write ({@code socat}, {@code nc}): stdout is
 * byte for byte what clients sent, the listening line and logs go to stderr, stdin goes to the first client, a stdout
 * nobody reads stops the reading instead of filling the heap, and {@code --hexdump} dumps on stderr only.
 */
@Timeout(120)
class ServePrintIT {
    private static final Pattern LISTENING = Pattern.compile("^listening (\\S+)$", Pattern.MULTILINE);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp", "tls", "unix"})
    void writesAMebibyteOfRandomBytesToStdoutByteExactOverEachStreamKind(String kind) throws Exception {
        assumeTrue(SocketKitProcess.installed("socat"), "socat is not installed");
        byte[] data = new byte[1 << 20];
        new Random(14).nextBytes(data);
        Path in = Files.write(dir.resolve("in.bin"), data);
        String where =
                switch (kind) {
                    case "tcp" -> "tcp://127.0.0.1:0";
                    case "tls" -> "tls://127.0.0.1:0";
                    default -> "unix://" + dir.resolve("p.sock");
                };
        Serve print = serve(null, "print", where);
        String endpoint = print.awaitListening();
        String target =
                switch (kind) {
                    case "tcp" -> "TCP:127.0.0.1:" + port(endpoint);
                    case "tls" -> "OPENSSL:127.0.0.1:" + port(endpoint) + ",verify=0";
                    default -> "UNIX-CONNECT:" + dir.resolve("p.sock");
                };

        run(List.of("socat", "-u", "FILE:" + in, target));

        print.awaitStdoutSize(data.length);
        assertArrayEquals(data, Files.readAllBytes(print.out), "stdout is exactly what the client sent");
        assertTrue(print.stderr().contains("listening " + endpoint + "\n"), print::describe);
    }

    @Test
    void printsConnectionsWholeOneAfterAnotherInTheOrderTheyCame() throws Exception {
        Serve print = serve(null, "print", "tcp://127.0.0.1:0");
        int port = port(print.awaitListening());
        Socket first = connect(port);
        try {
            // The first is being printed before the second comes: one that arrives meanwhile waits for its turn.
            first.getOutputStream().write("first, ".getBytes(US_ASCII));
            print.awaitStdout("first, ");
            try (Socket second = connect(port)) {
                second.getOutputStream().write("second\n".getBytes(US_ASCII)); // waits for its turn: held, not printed
                first.getOutputStream().write("still first\n".getBytes(US_ASCII));
                print.awaitStdout("first, still first\n");
                first.close(); // the first is done: the second's turn, while it is still open
                print.awaitStdout("first, still first\nsecond\n");
            }
        } finally {
            first.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "unixgram"})
    void writesOneDatagramPerLineAndRawWithFramingRaw(String kind) throws Exception {
        assumeTrue(SocketKitProcess.installed("socat"), "socat is not installed");
        for (String framing : List.of("line", "raw")) {
            Path socket = dir.resolve(framing + ".sock");
            String where = kind.equals("udp") ? "udp://127.0.0.1:0" : "unixgram://" + socket;
            Serve print = framing.equals("raw")
                    ? serve(null, "print", where, "--framing", "raw")
                    : serve(null, "print", where);
            String endpoint = print.awaitListening();
            String target = kind.equals("udp") ? "UDP-SENDTO:127.0.0.1:" + port(endpoint) : "UNIX-SENDTO:" + socket;
            sendDatagram("one", target);
            print.awaitStdout(framing.equals("raw") ? "one" : "one\n");
            sendDatagram("two\n", target); // a datagram that ends its own line gets no second line end
            print.awaitStdout(framing.equals("raw") ? "onetwo\n" : "one\ntwo\n");
            print.process.destroy();
        }
    }

    @Test
    void repliesWithStdinToTheFirstClientAndHalfClosesAtItsEnd() throws Exception {
        assumeTrue(SocketKitProcess.installed("nc"), "nc is not installed");
        Path stdin = Files.writeString(dir.resolve("reply.txt"), "hello from the server\n");
        Serve print = serve(stdin, "print", "tcp://127.0.0.1:0", "--reply-stdin");
        int port = port(print.awaitListening());

        // nc -N: shut down its write side at its stdin's end, as the server does at its own.
        Path clientIn = Files.writeString(dir.resolve("client.txt"), "hello from nc\n");
        Path clientOut = dir.resolve("nc.out");
        Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", Integer.toString(port))
                .redirectInput(clientIn.toFile())
                .redirectOutput(clientOut.toFile())
                .redirectErrorStream(true)
                .start();
        started.add(nc);
        assertTrue(nc.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "nc did not end: the connection stayed open");
        assertEquals("hello from the server\n", Files.readString(clientOut), "nc got the server's stdin");
        print.awaitStdout("hello from nc\n");
    }

    @Test
    void repliesWithStdinLinesToTheFirstSenderAsDatagrams() throws Exception {
        Path stdin = Files.writeString(dir.resolve("reply.txt"), "pong\n");
        Serve print = serve(stdin, "print", "udp://127.0.0.1:0", "--reply-stdin");
        int port = port(print.awaitListening());
        try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout((int) WAIT.toMillis());
            byte[] ping = "ping".getBytes(US_ASCII);
            client.send(new java.net.DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), port));
            java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[100], 100);
            client.receive(answer);
            assertEquals("pong", new String(answer.getData(), 0, answer.getLength(), US_ASCII));
        }
        print.awaitStdout("ping\n");
    }

    /**
     * A stdout nobody reads: the server stops reading the socket, so the client's writes stall, in a JVM whose heap
     * (32 MiB) could not hold what the client offers (128 MiB). Once stdout is read, everything arrives, in order.
     */
    @Test
    void aStdoutNobodyReadsStopsTheReadingInsteadOfFillingMemory() throws Exception {
        ProcessBuilder builder = SocketKitProcess.builder(List.of(), List.of("-Xmx32m"), "serve", "print", ":0");
        Path err = dir.resolve("err.txt");
        builder.redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        started.add(process);
        int port = port(awaitListening(err, process));

        long total = 128L << 20;
        AtomicLong sent = new AtomicLong();
        Thread writer;
        try (Socket client = connect(port)) {
            writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try (OutputStream out = client.getOutputStream()) {
                    while (sent.get() < total) {
                        for (int i = 0; i < chunk.length; i++) {
                            chunk[i] = (byte) (sent.get() + i);
                        }
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // The test fails on the count below.
                }
            });
            writer.start();
            writer.join(10_000); // bounded: with nothing read from stdout, the writes must stall well short
            assertTrue(
                    writer.isAlive(),
                    () -> "the client's writes ended after " + sent + " bytes to a server whose stdout nobody"
                            + " reads: it took them all in, or failed doing so; " + readQuietly(err));
            assertTrue(sent.get() < 64L << 20, () -> sent + " bytes taken in while stdout was not read");

            long received = 0;
            boolean inOrder = true;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream stdout = process.getInputStream()) {
                while (received < total) {
                    int n = stdout.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    for (int i = 0; i < n && inOrder; i++) {
                        inOrder = buffer[i] == (byte) (received + i);
                    }
                    received += n;
                }
                writer.join(WAIT.toMillis());
            }
            assertEquals(total, received, () -> "stdout ended early; " + readQuietly(err));
            assertTrue(inOrder, "stdout holds the bytes in the order sent");
            assertTrue(process.isAlive(), () -> "the server died; " + readQuietly(err));
        }
    }

    /**
     * What was received before SIGTERM reaches stdout before the exit: 200 KiB, more than the pipe holds, so that most
     * of it still waits in the process when the signal comes. stdout is a FIFO, not the JDK's pipe, whose stream the JDK
     * drains and closes under a reader when the process exits.
     */
    @Test
    void writesWhatItReceivedBeforeASigtermBeforeItExits() throws Exception {
        Path fifo = dir.resolve("stdout.fifo");
        run(List.of("mkfifo", fifo.toString()));
        // --drain-timeout: how long the exit waits for stdout, a window wide enough to read in once the server stopped.
        ProcessBuilder builder =
                SocketKitProcess.builder(List.of(), List.of(), "serve", "print", ":0", "--drain-timeout", "30s");
        Path err = dir.resolve("err.txt");
        builder.redirectError(err.toFile()).redirectOutput(fifo.toFile());
        // Opening a FIFO waits for its other end: the reader's open on a thread, the JDK's open for the child here.
        CompletableFuture<InputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newInputStream(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Process process = builder.start();
        started.add(process);
        InputStream stdout = reader.get(WAIT.toSeconds(), TimeUnit.SECONDS); // opened, not read until after the signal
        int port = port(awaitListening(err, process));
        byte[] data = new byte[200 * 1024];
        new Random(15).nextBytes(data);
        try (Socket client = connect(port)) {
            client.getOutputStream().write(data);
            client.shutdownOutput();
            assertEquals(-1, client.getInputStream().read(), "the server closes once it has read everything");
        }
        process.destroy(); // SIGTERM
        awaitStderr(err, process, "INFO  stopped "); // the server is closed: only stdout is left to finish
        // Bounded: a process that does not wait for its stdout exits at once, taking what it held with it.
        assertFalse(process.waitFor(3, TimeUnit.SECONDS), () -> "exited with stdout unread; " + readQuietly(err));
        byte[] printed;
        try (stdout) {
            printed = stdout.readAllBytes();
        }
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> readQuietly(err));
        assertEquals(0, process.exitValue(), () -> readQuietly(err));
        assertArrayEquals(data, printed, "stdout lost what was received before the signal");
    }

    @Test
    void hexdumpGoesToStderrAndLeavesStdoutByteExact() throws Exception {
        Serve print = serve(null, "print", "tcp://127.0.0.1:0", "--hexdump");
        int port = port(print.awaitListening());
        try (Socket client = connect(port)) {
            client.getOutputStream().write("hello".getBytes(US_ASCII));
            print.awaitStdout("hello");
            print.awaitStderr("|00000000| 68 65 6c 6c 6f                                  |hello           |");
            assertTrue(
                    print.stderr()
                            .contains("read 5 bytes: 127.0.0.1:" + port + " <- 127.0.0.1:" + client.getLocalPort()
                                    + "\n"),
                    print::describe);
        }
        assertEquals("hello", Files.readString(print.out), "nothing but the payload on stdout");
    }

    @Test
    void sendHexdumpShowsBothDirectionsOnStderr() throws Exception {
        SocketKitProcess echo = SocketKitProcess.start("serve", "echo", "tcp://127.0.0.1:0");
        try (echo) {
            int port = port(echo.awaitListening(SocketKitProcess.START_TIMEOUT));
            Path out = dir.resolve("send.out");
            Path err = dir.resolve("send.err");
            Process send = SocketKitProcess.builder(List.of(), List.of(), "send", ":" + port, "hi", "--hexdump")
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            started.add(send);
            assertTrue(send.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> readQuietly(err));
            String dump = Files.readString(err);
            assertEquals(0, send.exitValue(), dump);
            assertEquals("hi", Files.readString(out), "stdout is the reply only");
            assertTrue(
                    dump.matches("(?s).*wrote 2 bytes: 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port + "\n.*"),
                    dump);
            assertTrue(
                    dump.matches("(?s).*read 2 bytes: 127\\.0\\.0\\.1:\\d+ <- 127\\.0\\.0\\.1:" + port + "\n.*"), dump);
            assertTrue(dump.contains("|00000000| 68 69 "), dump);
        }
    }

    @Test
    void replyStdinOnAnotherKindIsAUsageError() throws Exception {
        try (SocketKitProcess serve = SocketKitProcess.start("serve", "echo", ":0", "--reply-stdin")) {
            serve.assertRefused(SocketKitProcess.EXIT_USAGE, "--reply-stdin applies to serve print, not echo");
        }
    }

    @Test
    void fixedFramingForDatagramsIsAUsageError() throws Exception {
        try (SocketKitProcess serve = SocketKitProcess.start(
                "serve", "print", "udp://127.0.0.1:0", "--framing", "fixed", "--frame-size", "4")) {
            serve.assertRefused(SocketKitProcess.EXIT_USAGE, "--framing fixed does not apply to print on udp");
        }
    }

    private static void sendDatagram(String text, String target) throws Exception {
        Process socat = new ProcessBuilder("socat", "-u", "-", target)
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = socat.getOutputStream()) {
            in.write(text.getBytes(US_ASCII));
        }
        assertTrue(socat.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "socat did not finish");
        assertEquals(0, socat.exitValue(), () -> "socat: " + new String(readAll(socat), US_ASCII));
    }

    private static byte[] readAll(Process process) {
        try {
            return process.getInputStream().readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), () -> command + " did not finish");
        assertEquals(0, process.exitValue(), () -> command + ": " + new String(readAll(process), US_ASCII));
    }

    /** {@code socketkit serve ARGS} with stdout and stderr in files and stdin from {@code stdin} (or empty). */
    private Serve serve(Path stdin, String... args) throws IOException {
        Path out = Files.createTempFile(dir, "out", ".bin");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = SocketKitProcess.builder(List.of(), List.of(), prepend("serve", args))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        started.add(process);
        if (stdin == null) {
            process.getOutputStream().close();
        }
        return new Serve(process, out, err);
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String awaitListening(Path err, Process process) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher listening = LISTENING.matcher(readQuietly(err));
            if (listening.find()) {
                return listening.group(1);
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(10);
        }
        return fail("no listening line on stderr; " + readQuietly(err));
    }

    private static void awaitStderr(Path err, Process process, String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!readQuietly(err).contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                fail("no '" + text + "' on stderr while running; " + readQuietly(err));
            }
            Thread.sleep(10);
        }
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A running {@code serve print} and the files its stdout and stderr go to. */
    private record Serve(Process process, Path out, Path err) {
        String awaitListening() throws Exception {
            String endpoint = ServePrintIT.awaitListening(err, process);
            byte[] stdout = Files.readAllBytes(out);
            assertEquals(0, stdout.length, () -> "the listening line went to stdout; " + describe());
            return endpoint;
        }

        String stderr() {
            return readQuietly(err);
        }

        /** Waits until stdout is exactly {@code text}; fails if it is not within the wait. */
        void awaitStdout(String text) throws Exception {
            byte[] expected = text.getBytes(US_ASCII);
            await(() -> java.util.Arrays.equals(expected, Files.readAllBytes(out)), "stdout '" + text + "'");
        }

        void awaitStdoutSize(long size) throws Exception {
            await(() -> Files.size(out) >= size, "stdout of " + size + " bytes");
        }

        void awaitStderr(String text) throws Exception {
            await(() -> stderr().contains(text), "stderr containing '" + text + "'");
        }

        private void await(Check check, String what) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!check.holds()) {
                if (System.nanoTime() > deadline) {
                    fail("no " + what + " within " + WAIT + "; " + describe());
                }
                Thread.sleep(10);
            }
        }

        String describe() {
            String stdout;
            try {
                byte[] bytes = Files.readAllBytes(out);
                stdout = bytes.length > 200 ? bytes.length + " bytes" : "'" + new String(bytes, US_ASCII) + "'";
            } catch (IOException e) {
                stdout = e.toString();
            }
            return "serve " + (process.isAlive() ? "running" : "exit " + process.exitValue()) + ", stdout " + stdout
                    + ", stderr " + stderr();
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }
}
