package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMED_OUT;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve --tls} with socketkit's own clients: mutual TLS with and without a client certificate, TLS 1.3's
 * half-close, ALPN against the OpenSSL engine, and {@code bench --tls}.
 */
@Timeout(60)
class TlsCommandIT {

    @TempDir
    Path dir;

    private TlsFiles files;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses();

    private Server plain;

    @BeforeEach
    void makeCertificates() throws Exception {
        files = TlsFiles.in(dir);
    }

    @AfterEach
    void stop() {
        if (plain != null) {
            plain.close();
        }
    }

    /** {@code serve KIND --tls ARGS} on a free loopback port, listening. */
    private SocketKitProcess serve(String kind, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("serve", kind, "--tls", "tcp://127.0.0.1:0"));
        command.addAll(List.of(args));
        return children.socketkit(command.toArray(String[]::new));
    }

    @Test
    void mutualTlsLetsInAClientWithACertificateAndCountsOneWithout() throws Exception {
        TlsFiles.Pair pair = files.server("server");
        TlsFiles.Pair client = files.client("client");
        SocketKitProcess serve = serve(
                "echo",
                "-v",
                "--cert",
                pair.cert().toString(),
                "--key",
                pair.key().toString(),
                "--client-ca",
                files.ca().toString());
        String endpoint = serve.awaitListening(START_TIMEOUT);
        String ca = files.ca().toString();

        SocketKitProcess with = children.run(
                "send",
                "--ca",
                ca,
                "--cert",
                client.cert().toString(),
                "--key",
                client.key().toString(),
                endpoint,
                "mine");
        assertEquals(EXIT_OK, with.exitValue(), with::toString);
        assertEquals(List.of("mine"), with.stdout());

        // TLS 1.3: the refusal comes after the handshake, while send writes; it must still be the line that says so.
        children.socketkit("send", "--ca", ca, endpoint, "none")
                .assertRefused(EXIT_FAILURE, endpoint + ": the server requires a client certificate it trusts");

        serve.sigterm();
        assertEquals(EXIT_OK, serve.awaitExit(SocketKitProcess.EXIT_TIMEOUT), serve::toString);
        String totals = serve.stderr().stream()
                .filter(line -> line.contains("stopped " + endpoint + ": "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no totals line; " + serve));
        assertTrue(totals.contains("2 connections accepted"), totals);
        assertTrue(totals.contains("1 TLS failures"), totals);
    }

    /**
     * A reply server answers a client that sends nothing and half-closes: over TLS 1.3 the answer goes after the
     * client's close_notify, which both ends' default engine (the JDK's) allows.
     */
    @Test
    void aReplyServerAnswersAfterTheClientsCloseNotify() throws Exception {
        SocketKitProcess serve = serve("reply");
        String endpoint = serve.awaitListening(START_TIMEOUT);
        String pin = TlsFiles.printedPin(serve, START_TIMEOUT);
        Path nothing = Files.createFile(dir.resolve("empty"));

        SocketKitProcess send =
                SocketKitProcess.startWithStdin(nothing, "send", "--pin", pin, "--replies", "1", endpoint);
        children.keep(send);
        assertEquals(EXIT_OK, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
        assertEquals(List.of("Thanks for connecting"), send.stdout());
    }

    /**
     * Netty's OpenSSL engine cannot refuse a client it shares no ALPN protocol with, and goes on with none: the client
     * refuses instead, in the same words as against a JDK server. The agreed exchange waits for its reply before
     * closing, as the README says to with that engine: it closes both directions on the client's close_notify.
     */
    @Test
    void alpnWithNoProtocolInCommonIsRefusedByTheClientAgainstAnOpenSslServer() throws Exception {
        assumeTrue(
                OpenSsl.isAvailable(), () -> "the OpenSSL engine does not load here: " + OpenSsl.unavailabilityCause());
        TlsFiles.Pair pair = files.server("server");
        SocketKitProcess serve = serve(
                "echo",
                "--cert",
                pair.cert().toString(),
                "--key",
                pair.key().toString(),
                "--tls-engine",
                "openssl",
                "--alpn",
                "h2,http/1.1");
        String endpoint = serve.awaitListening(START_TIMEOUT);
        String ca = files.ca().toString();

        children.socketkit("send", "--ca", ca, "--alpn", "x-nothing", endpoint, "hi")
                .assertRefused(EXIT_FAILURE, endpoint + ": no ALPN protocol in common (offered x-nothing)");

        SocketKitProcess agreed = children.run(
                "send", "--ca", ca, "--alpn", "http/1.1", "--no-half-close", "--replies", "1", "-v", endpoint, "hi");
        assertEquals(EXIT_OK, agreed.exitValue(), agreed::toString);
        assertEquals(List.of("hi"), agreed.stdout());
        assertTrue(agreed.stderr().stream().anyMatch(text -> text.endsWith(", ALPN http/1.1")), agreed::toString);
    }

    /**
     * A peer that connects and sends nothing is closed at {@code --tls-handshake-timeout}, with the TLS failures' one
     * line naming the timeout, and counted in the totals. (That the others are served meanwhile, StreamGuardsIT checks:
     * a send's first handshake in a cold JVM can take longer than these 300 ms.)
     */
    @Test
    void aSilentPeerIsClosedAtTheHandshakeTimeoutInOneLineAndCounted() throws Exception {
        SocketKitProcess serve = serve("echo", "-v", "--tls-handshake-timeout", "300ms");
        String endpoint = serve.awaitListening(START_TIMEOUT);
        try (Socket silent = new Socket(
                InetAddress.getLoopbackAddress(), Endpoint.parse(endpoint).port())) {
            silent.setSoTimeout((int) START_TIMEOUT.toMillis());
            assertEquals(0, silent.getInputStream().readAllBytes().length, "closed, nothing sent to a silent peer");
        }
        String line = serve.awaitStderrLine(text -> text.contains("TLS handshake not"), START_TIMEOUT);
        assertTrue(
                line.matches(".* WARN .*/127\\.0\\.0\\.1:\\d+: TLS handshake not complete within 300ms; closed"), line);
        serve.sigterm();
        assertEquals(EXIT_OK, serve.awaitExit(SocketKitProcess.EXIT_TIMEOUT), serve::toString);
        assertTrue(
                serve.stderr().stream()
                        .anyMatch(
                                text -> text.contains("stopped " + endpoint + ": ") && text.contains("1 TLS failures")),
                serve::toString);
    }

    /**
     * send against a server that accepts the connection and never answers the ClientHello (a plain socket that only
     * reads): it gives up when --timeout runs out, which covers the handshake, in one line, with the timeout's exit.
     */
    @Test
    void sendGivesUpOnAServerThatNeverAnswersTheHelloAtItsTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> heard = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = silent.accept()) {
                    return accepted.getInputStream().readAllBytes().length; // until send gives up and closes
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String endpoint = "tls://127.0.0.1:" + silent.getLocalPort();
            children.socketkit("send", "--pin", "00".repeat(32), "--timeout", "1s", endpoint, "hello")
                    .assertRefused(EXIT_TIMED_OUT, endpoint + ": TLS handshake not complete within 1s");
            assertTrue(heard.get(10, TimeUnit.SECONDS) > 0, "the server should have read a ClientHello");
        }
    }

    /** pingpong's connections shake hands once, before the load; connrate's each cycle, a full handshake each. */
    @Test
    void benchRunsPingpongAndConnrateOverTlsWithoutErrors() throws Exception {
        TlsFiles.Pair pair = files.server("server");
        SocketKitProcess serve = serve(
                "echo",
                "-q",
                "--cert",
                pair.cert().toString(),
                "--key",
                pair.key().toString());
        String endpoint = serve.awaitListening(START_TIMEOUT);
        for (String mode : List.of("pingpong", "connrate")) {
            SocketKitProcess bench = children.run(
                    "bench",
                    "--ca",
                    files.ca().toString(),
                    "--mode",
                    mode,
                    "--duration",
                    "1s",
                    "--warmup",
                    "0",
                    "--json",
                    endpoint);
            assertEquals(EXIT_OK, bench.exitValue(), bench::toString);
            Map<String, Object> report = Json.object(String.join("", bench.stdout()));
            assertEquals(mode, report.get("mode"));
            assertEquals(endpoint, report.get("endpoint"));
            assertTrue((Double) report.get("ops") > 0, report::toString);
            assertEquals(0.0, report.get("errors"), report::toString);
            assertEquals(0.0, report.get("mismatches"), report::toString);
        }
    }

    /** A plain echo server sends the ClientHello back: that is not TLS, and bench says so in one line. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pingpong", "connrate"})
    void benchAgainstAPlainServerSaysItIsNotSpeakingTls(String mode) throws Exception {
        plain = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")));
        String endpoint = "tls://127.0.0.1:" + plain.endpoint().port();
        SocketKitProcess bench =
                children.socketkit("bench", "--pin", "00".repeat(32), "--mode", mode, "--duration", "1s", endpoint);
        bench.assertRefused(EXIT_FAILURE, endpoint + " is not speaking TLS");
    }
}
