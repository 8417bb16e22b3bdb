package dev.socketkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.transport.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client, as a library and as {@code socketkit send} run as a process, against the Python tutorial's three servers
 * run by python3.
 */
@Timeout(60)
class PythonTutorialServersIT {
    private static final String SCRIPTS = "/dev/socketkit/it/python/";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration EXCHANGE = Duration.ofSeconds(15);

    /** Checked once; each test assumes it, so that without python3 all of them are reported skipped, with the reason. */
    private static final boolean PYTHON = pythonAvailable();

    @TempDir
    Path dir;

    private Process server;

    @BeforeEach
    void requirePython() {
        assumeTrue(
                PYTHON,
                "python3 is not on the PATH (or `python3 --version` failed): cannot run the tutorial's servers");
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server == null) {
            return;
        }
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroy();
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneShotServerThanksTheClientAndCloses() throws Exception {
        int port = start("one_shot_server.py");
        assertEquals("Thanks for connecting", exchange(port, "Hello, World!"), this::serverOutput);
    }

    @Test
    void threadedServerWelcomesThenAnswersThenClosesAfterOurEndOfInput() throws Exception {
        int port = start("threaded_welcome_server.py");
        assertEquals(
                "Welcome to the serverData received:Hello, World!",
                exchange(port, "Hello, World!"),
                this::serverOutput);
    }

    @Test
    void socketServerEchoesTheMessageAndCloses() throws Exception {
        int port = start("socketserver_echo_server.py");
        assertEquals("Hello, World!", exchange(port, "Hello, World!"), this::serverOutput);
    }

    @Test
    void socketServerEchoStripsWhitespaceSoTheBytesAreThePythonServers() throws Exception {
        int port = start("socketserver_echo_server.py");
        assertEquals("padded", exchange(port, "  padded  "), this::serverOutput);
    }

    /** The issue's own check: the CLI as a user runs it prints exactly what the tutorial's client printed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "one_shot_server.py, 'Thanks for connecting'",
        "threaded_welcome_server.py, 'Welcome to the serverData received:Hello, World!'",
        "socketserver_echo_server.py, 'Hello, World!'",
    })
    void sendCommandPrintsWhatTheTutorialsClientSaw(String script, String expected) throws Exception {
        int port = start(script);
        Process send = new ProcessBuilder(java(), "-jar", jar(), "send", "tcp://127.0.0.1:" + port, "Hello, World!")
                .redirectError(dir.resolve("send-stderr.txt").toFile())
                .start();
        send.getOutputStream().close();
        // A few bytes of output: reading it all before waiting cannot leave the process blocked on a full pipe.
        String stdout = new String(send.getInputStream().readAllBytes(), UTF_8);
        assertTrue(send.waitFor(EXCHANGE.toSeconds(), TimeUnit.SECONDS), "socketkit send did not exit");
        String context = "socketkit send stderr:\n" + readQuietly(dir.resolve("send-stderr.txt")) + serverOutput();
        assertEquals(0, send.exitValue(), context);
        assertEquals(expected, stdout, context);
    }

    /**
     * What {@code socketkit send tcp://127.0.0.1:PORT MESSAGE} does: connect, send the message as one frame, shut down
     * the write side, then read frames until the server closes, concatenated.
     */
    private String exchange(int port, String message) {
        ClientConfig config = ClientConfig.defaults()
                .withEndpoint(Endpoint.tcp("127.0.0.1", port))
                .withConnectTimeout(WAIT)
                .withReadTimeout(WAIT)
                .withExchangeTimeout(EXCHANGE);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Client client = Client.connect(config)) {
            client.send(message);
            client.shutdownOutput();
            client.receiveUntilClosed().forEach(received::writeBytes);
            return received.toString(UTF_8);
        } catch (ClientException e) {
            throw new AssertionError(e.getMessage() + "\n" + serverOutput(), e);
        }
    }

    /** Copies {@code script} into the temporary directory, runs it with port 0 and returns the port it printed. */
    private int start(String script) throws Exception {
        Path file = dir.resolve(script);
        try (InputStream in = PythonTutorialServersIT.class.getResourceAsStream(SCRIPTS + script)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + SCRIPTS + script);
            }
            Files.copy(in, file);
        }
        ProcessBuilder builder = new ProcessBuilder("python3", file.toString(), "0")
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        // The tutorial's own prints stay unbuffered, so that a failure message shows how far the server got.
        builder.environment().put("PYTHONUNBUFFERED", "1");
        server = builder.start();
        server.getOutputStream().close();

        // The port's line, or the end of a server that will never print it, whichever comes first.
        Path stdout = dir.resolve("stdout.txt");
        String out = Poll.value(
                () -> Files.readString(stdout, UTF_8),
                text -> text.indexOf('\n') >= 0 || !server.isAlive(),
                Duration.ofSeconds(10));
        int end = out.indexOf('\n');
        if (end >= 0) {
            return Integer.parseInt(out.substring(0, end).strip());
        }
        if (!server.isAlive()) {
            fail(script + " exited with " + server.exitValue() + " before printing its port\n" + serverOutput());
        }
        return fail(script + " printed no port within 10s\n" + serverOutput());
    }

    private String serverOutput() {
        return "server stdout:\n" + readQuietly(dir.resolve("stdout.txt")) + "server stderr:\n"
                + readQuietly(dir.resolve("stderr.txt"));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, UTF_8) : "(none)\n";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar() {
        String jar = System.getProperty("socketkit.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property socketkit.jar must name the CLI's built jar, not " + jar);
        }
        return jar;
    }

    private static boolean pythonAvailable() {
        try {
            Process version = new ProcessBuilder("python3", "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!version.waitFor(10, TimeUnit.SECONDS)) {
                version.destroyForcibly();
                return false;
            }
            return version.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
