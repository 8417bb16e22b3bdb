package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.internal.Certificates;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * socketkit's TLS against peers we did not write: {@code openssl s_client}, {@code socat} and {@code ncat --ssl} as
 * clients of {@code serve --tls}, and {@code openssl s_server} as the server {@code send --tls} talks to, over TLS 1.3
 * and 1.2. Each peer is Debian's, installed by {@code .ci/run}; a test whose peer is missing is skipped, saying which.
 */
@Timeout(60)
class TlsPeersIT {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private TlsFiles files;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses();

    @BeforeEach
    void makeCertificates() throws Exception {
        files = TlsFiles.in(dir);
    }

    /** {@code serve echo --tls} on a free loopback port with the pair's certificate; returns the port. */
    private int serveEcho(TlsFiles.Pair pair) throws Exception {
        SocketKitProcess serve = children.socketkit(
                "serve",
                "echo",
                "--tls",
                "tcp://127.0.0.1:0",
                "--cert",
                pair.cert().toString(),
                "--key",
                pair.key().toString());
        String endpoint = serve.awaitListening(START_TIMEOUT);
        assertTrue(endpoint.startsWith("tls://127.0.0.1:"), endpoint);
        return port(endpoint);
    }

    /** {@code openssl s_server} with the pair's certificate, answering each line reversed; returns its port. */
    private int sServer(TlsFiles.Pair pair, String version) throws Exception {
        SocketKitProcess server = children.program(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:0",
                "-cert",
                pair.cert().toString(),
                "-key",
                pair.key().toString(),
                "-rev",
                version);
        Matcher accept = ACCEPT.matcher(
                server.awaitStdoutLine(line -> ACCEPT.matcher(line).find(), START_TIMEOUT));
        assertTrue(accept.find());
        return Integer.parseInt(accept.group(1));
    }

    static Stream<Arguments> versions() {
        return Stream.of(Arguments.of("-tls1_3", "TLSv1.3"), Arguments.of("-tls1_2", "TLSv1.2"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("versions")
    void opensslSClientGetsItsEchoOverTheVersionItAsks(String option, String version) throws Exception {
        TlsFiles.Pair pair = files.server("server");
        int port = serveEcho(pair);
        SocketKitProcess client = children.program(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                option,
                "-CAfile",
                files.ca().toString(),
                "-verify_return_error",
                "-verify_hostname",
                "localhost");
        client.awaitStdoutLine(line -> line.startsWith("New, " + version + ", Cipher is "), START_TIMEOUT);
        assertEchoesAndEnds(client, "hello over " + version);
    }

    /**
     * The one-flag server on a Unix socket: its self-signed certificate's fingerprint is on stderr at the default
     * verbosity, {@code s_client -unix} gets its echo, and {@code send} pinning that fingerprint gets its own.
     */
    @Test
    void oneFlagServerOnAUnixSocketIsReachedByOpensslAndByItsPrintedPin() throws Exception {
        Path socket = dir.resolve("tls.sock");
        SocketKitProcess serve = children.socketkit("serve", "echo", "--tls", "unix://" + socket);
        assertEquals("unix://" + socket, serve.awaitListening(START_TIMEOUT));
        String pin = TlsFiles.printedPin(serve, START_TIMEOUT);
        assertTrue(
                serve.stderr().stream()
                        .anyMatch(text -> text.contains("self-signed certificate") && text.contains(" INFO ")),
                serve::toString);

        SocketKitProcess client = children.program("openssl", "s_client", "-unix", socket.toString(), "-quiet");
        client.writeStdin("over a unix socket\n");
        client.awaitStdoutLine(text -> text.equals("over a unix socket"), START_TIMEOUT);
        client.closeStdin();

        SocketKitProcess send = children.run("send", "--tls", "--pin", pin, "unix://" + socket, "pinned");
        assertEquals(EXIT_OK, send.exitValue(), send::toString);
        assertEquals(List.of("pinned"), send.stdout());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("versions")
    void sendTrustsOpensslSServerByItsCaOrItsPin(String option, String version) throws Exception {
        TlsFiles.Pair pair = files.server("server");
        String server = "127.0.0.1:" + sServer(pair, option);

        SocketKitProcess byCa =
                children.run("send", "--tls", "--ca", files.ca().toString(), "--framing", "line", server, "abc");
        assertEquals(EXIT_OK, byCa.exitValue(), byCa::toString);
        assertEquals(List.of("cba"), byCa.stdout());
        assertEquals(List.of(), byCa.stderr());

        String bareHex = pair.fingerprint().replace(":", "").toLowerCase(Locale.ROOT);
        SocketKitProcess byPin =
                children.run("send", "--tls", "--pin", bareHex, "--framing", "line", "-v", server, "pinned");
        assertEquals(EXIT_OK, byPin.exitValue(), byPin::toString);
        assertEquals(List.of("dennip"), byPin.stdout());
        String session = byPin.stderr().stream()
                .filter(text -> text.contains(" TLS " + version + ", "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session line for " + version + "; " + byPin));
        assertTrue(session.contains("server certificate CN=localhost"), session);
        assertTrue(session.contains("sha256 " + pair.fingerprint()), session);
    }

    @Test
    void aColonPinWorksInsecureSaysSoOnceAndAWrongServerNameFails() throws Exception {
        TlsFiles.Pair pair = files.server("server");
        String server = "127.0.0.1:" + sServer(pair, "-tls1_3");

        // The pin as openssl x509 -fingerprint -sha256 prints it (the test above gives it as bare hex).
        SocketKitProcess byColonPin =
                children.run("send", "--tls", "--pin", pair.fingerprint(), "--framing", "line", server, "colons");
        assertEquals(List.of("snoloc"), byColonPin.stdout(), byColonPin::toString);

        SocketKitProcess insecure =
                children.run("send", "--tls", "--insecure", "--framing", "line", server, "unchecked");
        assertEquals(EXIT_OK, insecure.exitValue(), insecure::toString);
        assertEquals(List.of("dekcehcnu"), insecure.stdout());
        assertEquals(1, insecure.stderr().size(), insecure::toString);
        assertTrue(insecure.stderr().get(0).contains("WARN  --insecure: the server's certificate is not checked"));

        SocketKitProcess other = children.socketkit(
                "send", "--tls", "--ca", files.ca().toString(), "--servername", "other.example", server, "x");
        other.assertRefused(
                EXIT_FAILURE,
                "tls://" + server + ": TLS host name mismatch: the certificate does not name other.example");
    }

    static Stream<Arguments> badCertificates() {
        return Stream.of(
                Arguments.of("expired", "TLS certificate expired on "),
                Arguments.of("for another host", "TLS host name mismatch: the certificate does not name 127.0.0.1"),
                Arguments.of(
                        "self-signed",
                        "TLS certificate not trusted: self-signed or issued by an unknown CA (trust its CA, or pin its"
                                + " SHA-256 fingerprint)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCertificates")
    void aServerCertificateThatDoesNotHoldIsOneLineAndExit1(String what, String line) throws Exception {
        TlsFiles.Pair pair =
                switch (what) {
                    case "expired" -> files.expiredServer("server");
                    case "for another host" -> files.server("server", List.of("example.org"));
                    default -> files.selfSigned("server");
                };
        String server = "127.0.0.1:" + sServer(pair, "-tls1_3");
        children.socketkit("send", "--tls", "--ca", files.ca().toString(), server, "x")
                .assertRefused(EXIT_FAILURE, "tls://" + server + ": " + line);
    }

    static Stream<Arguments> clients() {
        return Stream.of(
                Arguments.of("socat", List.of("socat", "-", "OPENSSL:127.0.0.1:{port},cafile={ca}")),
                // ncat checks the name it connected to and does not match IP entries: it connects by name.
                Arguments.of(
                        "ncat",
                        List.of(
                                "ncat",
                                "-4",
                                "--ssl",
                                "--ssl-verify",
                                "--ssl-trustfile",
                                "{ca}",
                                "localhost",
                                "{port}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void verifyingClientsGetTheirEcho(String name, List<String> template) throws Exception {
        TlsFiles.Pair pair = files.server("server");
        int port = serveEcho(pair);
        String[] command = template.stream()
                .map(arg -> arg.replace("{port}", Integer.toString(port))
                        .replace("{ca}", files.ca().toString()))
                .toArray(String[]::new);
        SocketKitProcess client = children.program(command);
        assertEchoesAndEnds(client, "hello from " + name);
    }

    /**
     * Renewing the certificate in place: new connections get the new one within a second or so, the connection open
     * across the renewal keeps its session and echoes on, and the old pin no longer holds.
     */
    @Test
    void aRenewedCertificateServesNewConnectionsWhileAnOpenOneGoesOn() throws Exception {
        TlsFiles.Pair current = files.server("server");
        TlsFiles.Pair renewed = files.server("renewed");
        int port = serveEcho(current);
        SocketKitProcess open = children.program("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet");
        open.writeStdin("before\n");
        open.awaitStdoutLine(line -> line.equals("before"), START_TIMEOUT);

        String oldPin = current.fingerprint();
        TlsFiles.replace(current, renewed);
        // The server looks at the files at most once a second, when a connection comes: connect until it has.
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!renewed.fingerprint().equals(presented(port)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(renewed.fingerprint(), presented(port), "the renewed certificate was never presented");

        SocketKitProcess newPin =
                children.run("send", "--tls", "--pin", renewed.fingerprint(), "127.0.0.1:" + port, "new");
        assertEquals(EXIT_OK, newPin.exitValue(), newPin::toString);
        assertEquals(List.of("new"), newPin.stdout());

        open.writeStdin("after\n");
        open.awaitStdoutLine(line -> line.equals("after"), START_TIMEOUT);

        children.socketkit("send", "--tls", "--pin", oldPin, "127.0.0.1:" + port, "old")
                .assertRefused(
                        EXIT_FAILURE,
                        "TLS certificate does not match the pin: expected SHA-256 " + oldPin + ", got "
                                + renewed.fingerprint());
        open.closeStdin();
    }

    /**
     * Writes a line to a client's stdin, waits for it to come back, ends stdin, and checks that the client ends well.
     * The line may end one that the client began (s_client prints a TLS 1.3 session ticket with no line end after).
     */
    private static void assertEchoesAndEnds(SocketKitProcess client, String line) throws Exception {
        client.writeStdin(line + "\n");
        client.awaitStdoutLine(text -> text.endsWith(line), START_TIMEOUT);
        client.closeStdin();
        assertEquals(EXIT_OK, client.awaitExit(SocketKitProcess.EXIT_TIMEOUT), client::toString);
    }

    /** The fingerprint of the certificate the server at {@code port} presents to a new connection now. */
    private static String presented(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AnyCertificate()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return Certificates.sha256Fingerprint(leaf);
        }
    }

    /** Trusts every server: {@link #presented} only looks at which certificate comes. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
