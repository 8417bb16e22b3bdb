package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every TLS option a user can get wrong, on serve, send and bench: exit 2 and one stderr line naming the option or the
 * file and what is wrong, before anything is bound or connected (port 1 has no server: a connect would be exit 1).
 */
@Timeout(60)
class TlsBadInputIT {
    /** Replaced, in the arguments of {@link #badInputs()}, by the files {@link #isRefused} writes. */
    private static final String CERT = "{cert}";

    private static final String KEY = "{key}";
    private static final String GARBAGE = "{garbage}";
    private static final String MISSING = "{missing}";
    private static final String DIR = "{dir}";

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad(
                        "serve: --cert without --tls",
                        List.of("--cert needs --tls or a tls:// endpoint"),
                        "serve",
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--cert",
                        CERT,
                        "--key",
                        KEY),
                bad(
                        "serve: --cert without --key",
                        List.of("--cert needs --key"),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--cert",
                        CERT),
                bad(
                        "serve: --key without --cert",
                        List.of("--key needs --cert"),
                        "serve",
                        "echo",
                        "tls://127.0.0.1:0",
                        "--key",
                        KEY),
                bad(
                        "serve: TLS on udp",
                        List.of("--tls", "udp", "DTLS is not offered"),
                        "serve",
                        "echo",
                        "--tls",
                        "udp://127.0.0.1:0"),
                bad(
                        "serve: TLS on unixgram",
                        List.of("--tls", "unixgram", "DTLS is not offered"),
                        "serve",
                        "echo",
                        "--tls",
                        "unixgram://" + DIR + "/g.sock"),
                bad(
                        "serve: no such certificate file",
                        List.of("--cert", "no such certificate file", MISSING),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--cert",
                        MISSING,
                        "--key",
                        KEY),
                bad(
                        "serve: a key file that is not PEM",
                        List.of("--key", "no private key", GARBAGE),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--cert",
                        CERT,
                        "--key",
                        GARBAGE),
                bad(
                        "serve: a certificate file that is not PEM",
                        List.of("--cert", "no certificate", GARBAGE),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--cert",
                        GARBAGE,
                        "--key",
                        KEY),
                bad(
                        "serve: a client CA file that is not PEM",
                        List.of("--client-ca", "no certificate", GARBAGE),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--client-ca",
                        GARBAGE),
                bad(
                        "serve: unknown engine",
                        List.of("--tls-engine", "'boring'", "auto, jdk or openssl"),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--tls-engine",
                        "boring"),
                bad(
                        "serve: empty ALPN list",
                        List.of("--alpn", "no protocol"),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--alpn",
                        ","),
                bad(
                        "serve: --tls-handshake-timeout without --tls",
                        List.of("--tls-handshake-timeout needs --tls or a tls:// endpoint"),
                        "serve",
                        "echo",
                        "tcp://127.0.0.1:0",
                        "--tls-handshake-timeout",
                        "5s"),
                bad(
                        "serve: a handshake timeout that is not a duration",
                        List.of("--tls-handshake-timeout", "'soon' is not a duration", "e.g. 500ms", "0 or none"),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--tls-handshake-timeout",
                        "soon"),
                bad(
                        "serve: a negative handshake timeout",
                        List.of("--tls-handshake-timeout", "'-1s' is not a duration", "0 or none"),
                        "serve",
                        "echo",
                        "tls://127.0.0.1:0",
                        "--tls-handshake-timeout",
                        "-1s"),
                bad(
                        "serve: a handshake timeout past the largest number",
                        List.of("--tls-handshake-timeout", "'9999999999s' is not a duration"),
                        "serve",
                        "echo",
                        "--tls",
                        "tcp://127.0.0.1:0",
                        "--tls-handshake-timeout",
                        "9999999999s"),
                bad(
                        "serve: a handshake timeout on a datagram socket",
                        List.of("--tls", "udp", "DTLS is not offered"),
                        "serve",
                        "echo",
                        "--tls",
                        "udp://127.0.0.1:0",
                        "--tls-handshake-timeout",
                        "5s"),
                bad(
                        "send: --ca without --tls",
                        List.of("--ca needs --tls or a tls:// endpoint"),
                        "send",
                        "tcp://127.0.0.1:1",
                        "--ca",
                        CERT,
                        "hi"),
                bad(
                        "send: --insecure without --tls",
                        List.of("--insecure needs --tls"),
                        "send",
                        "tcp://127.0.0.1:1",
                        "--insecure",
                        "hi"),
                bad(
                        "send: --pin with --insecure",
                        List.of("--insecure", "--pin"),
                        "send",
                        "tls://127.0.0.1:1",
                        "--insecure",
                        "--pin",
                        "AA".repeat(32),
                        "hi"),
                bad(
                        "send: a pin that is not a fingerprint",
                        List.of("--pin", "'12:34'", "64 hex digits"),
                        "send",
                        "tls://127.0.0.1:1",
                        "--pin",
                        "12:34",
                        "hi"),
                bad(
                        "send: TLS on udp",
                        List.of("--tls", "udp", "DTLS is not offered"),
                        "send",
                        "--tls",
                        "udp://127.0.0.1:1",
                        "hi"),
                bad(
                        "send: --key without --cert",
                        List.of("--key needs --cert"),
                        "send",
                        "tls://127.0.0.1:1",
                        "--key",
                        KEY,
                        "hi"),
                bad(
                        "send: no such CA file",
                        List.of("--ca", "no such certificate file", MISSING),
                        "send",
                        "tls://127.0.0.1:1",
                        "--ca",
                        MISSING,
                        "hi"),
                bad(
                        "bench: --pin without --tls",
                        List.of("--pin needs --tls"),
                        "bench",
                        "tcp://127.0.0.1:1",
                        "--pin",
                        "AA".repeat(32)),
                bad(
                        "bench: TLS on udp",
                        List.of("--tls", "udp", "DTLS is not offered"),
                        "bench",
                        "--tls",
                        "udp://127.0.0.1:1"));
    }

    private static Arguments bad(String what, List<String> phrases, String... args) {
        return Arguments.of(what, phrases, List.of(args));
    }

    @TempDir
    static Path dir;

    private static TlsFiles.Pair server;
    private static Path garbage;

    @BeforeAll
    static void writeFiles() throws Exception {
        server = TlsFiles.in(dir).server("server");
        garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not PEM at all\n", StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void isRefused(String what, List<String> phrases, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        for (String arg : args) {
            command.add(substitute(arg, dir, server, garbage));
        }
        String[] expected = phrases.stream()
                .map(phrase -> substitute(phrase, dir, server, garbage))
                .toArray(String[]::new);
        try (SocketKitProcess socketkit = SocketKitProcess.start(command.toArray(String[]::new))) {
            socketkit.assertRefused(EXIT_USAGE, expected);
        }
    }

    private static String substitute(String text, Path dir, TlsFiles.Pair server, Path garbage) {
        return text.replace(CERT, server.cert().toString())
                .replace(KEY, server.key().toString())
                .replace(GARBAGE, garbage.toString())
                .replace(MISSING, dir.resolve("missing.pem").toString())
                .replace(DIR, dir.toString());
    }

    /** serve's help names the handshake timeout beside the other TLS options, with its default. */
    @Test
    void serveHelpNamesTheHandshakeTimeout() {
        StringWriter out = new StringWriter();
        SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("serve", "--help");
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("--tls-handshake-timeout=DURATION"), help);
        assertTrue(help.contains("(default: 10s; 0 or none: never)"), help);
    }

    /**
     * An engine that does not load here is the machine's lack, not a usage error: exit 1, as {@code --io kqueue} on
     * Linux is, with Netty's reason. Netty's own switch stands in for a machine without the native library.
     */
    @Test
    void anOpenSslEngineThatDoesNotLoadIsARuntimeFailure() throws Exception {
        try (SocketKitProcess socketkit = SocketKitProcess.startWithJvmOptions(
                List.of("-Dio.netty.handler.ssl.noOpenSsl=true"),
                "serve",
                "echo",
                "--tls",
                "tcp://127.0.0.1:0",
                "--tls-engine",
                "openssl")) {
            socketkit.assertRefused(
                    EXIT_FAILURE, "--tls-engine openssl", "the OpenSSL TLS engine is not available", "noOpenSsl");
        }
    }
}
