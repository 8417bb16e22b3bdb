package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** socat, a peer we did not write, on either side of the relay: as its client, and as its target. */
@Timeout(60)
class SocatPeerTest {
    @TempDir
    Path directory;

    /**
     * socat sends its stdin and its end (a FIN when stdin ends), the relay passes both to socketkit's echo over a Unix
     * socket, and socat prints the echo and exits when the relay passes on the echo's end.
     */
    @Test
    void socatAsTheClientGetsTheEchoAndTheEnd() throws Exception {
        String text = "through the relay and back\n".repeat(1000);
        try (Server echo = Server.start(ServerConfig.defaults()
                        .withKind(ServerKind.ECHO)
                        .withEndpoint(
                                Endpoint.unix(directory.resolve("echo.sock").toString())));
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint()))) {
            // -t 30: socat waits that long for the relay's end after sending its own, longer than the wait below, so
            // only an end the relay passes on lets it exit in time.
            Process socat =
                    socat("-t", "30", "-", "TCP:127.0.0.1:" + relay.endpoint().port());
            try {
                try (OutputStream in = socat.getOutputStream()) {
                    in.write(text.getBytes(StandardCharsets.UTF_8));
                }
                assertTrue(
                        socat.waitFor(20, TimeUnit.SECONDS),
                        "socat ends (its echo, 27 KB, fits the pipe) once the relay passes on the end");
                String out = new String(socat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(text, out, "socat's stdin, echoed through the relay");
                assertEquals(0, socat.exitValue(), "socat's exit status");
            } finally {
                socat.destroyForcibly();
            }
        }
    }

    /** socat listens on a Unix socket and answers with its own echo (PIPE); the relay's TCP client reaches it. */
    @Test
    void socatAsTheTargetIsReachedThroughTheRelay() throws Exception {
        Path path = directory.resolve("socat.sock");
        Process socat = socat("UNIX-LISTEN:" + path + ",fork", "PIPE");
        try {
            DatagramSessionsTest.await(() -> Files.exists(path), "socat to listen on " + path);
            try (Relay relay =
                            Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), Endpoint.unix(path.toString())));
                    Socket client = new Socket("127.0.0.1", relay.endpoint().port())) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write("hello socat".getBytes(StandardCharsets.UTF_8));
                client.shutdownOutput();
                InputStream in = client.getInputStream();
                assertEquals(
                        "hello socat",
                        new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        "socat's echo through the relay, then the end it passed on");
            }
        } finally {
            socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Process socat(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("socat"));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException noSocat) {
            assumeTrue(false, "socat is needed for this test (.ci/run installs it)");
            throw noSocat;
        }
    }
}
