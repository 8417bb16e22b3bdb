package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.internal.CertificateAuthority;
import dev.socketkit.transport.internal.Certificates;
import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.Certificates.KeyType;
import dev.socketkit.transport.internal.Certificates.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files of the TLS tests, in one directory: a CA made for the test ({@code ca.pem}), and the certificates and
 * keys it issues, each a {@code NAME.pem} chain (leaf, then the CA) beside its {@code NAME.key}.
 */
final class TlsFiles {
    /** The names a server certificate is for, unless a test says otherwise: what a client on loopback asks for. */
    static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");

    /** The SHA-256 fingerprint in serve's "self-signed certificate" line, as --pin takes it. */
    private static final Pattern FINGERPRINT = Pattern.compile("sha256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})");

    private final Path dir;
    private final CertificateAuthority ca;

    private TlsFiles(Path dir, CertificateAuthority ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /**
     * The fingerprint a one-flag {@code serve --tls} prints for its self-signed certificate: what {@code send --pin}
     * takes. Waits for the line; fails if it has none.
     */
    static String printedPin(SocketKitProcess serve, Duration timeout) throws Exception {
        String line = serve.awaitStderrLine(text -> text.contains("self-signed certificate"), timeout);
        Matcher fingerprint = FINGERPRINT.matcher(line);
        assertTrue(fingerprint.find(), line);
        return fingerprint.group(1);
    }

    /** A new CA whose certificate is written to {@code dir/ca.pem}. */
    static TlsFiles in(Path dir) throws IOException {
        TlsFiles files = new TlsFiles(dir, CertificateAuthority.create("socketkit test CA"));
        write(files.ca(), Certificates.toPem(files.ca.certificate()));
        return files;
    }

    /** {@return the CA's certificate file, what a peer is told to trust} */
    Path ca() {
        return dir.resolve("ca.pem");
    }

    /** A certificate and key issued for a server on loopback. */
    Pair server(String name) throws IOException {
        return write(name, ca.issueServer(LOOPBACK));
    }

    /** A server certificate for other names only. */
    Pair server(String name, List<String> hostsAndIps) throws IOException {
        return write(name, ca.issueServer(hostsAndIps));
    }

    /** A server certificate for loopback whose validity ended yesterday. */
    Pair expiredServer(String name) throws IOException {
        Instant now = Instant.now();
        return write(
                name,
                ca.issue(
                        Usage.SERVER,
                        "localhost",
                        LOOPBACK,
                        now.minus(Duration.ofDays(30)),
                        now.minus(Duration.ofDays(1)),
                        KeyType.EC));
    }

    /** A client certificate, for mutual TLS. */
    Pair client(String name) throws IOException {
        return write(name, ca.issueClient(name));
    }

    /** A self-signed server certificate for loopback, which no CA vouches for. */
    Pair selfSigned(String name) throws IOException {
        return write(name, Certificates.selfSigned(LOOPBACK));
    }

    private Pair write(String name, Issued issued) throws IOException {
        Pair pair = new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), issued);
        write(pair.cert(), Certificates.toPem(issued.chain()));
        write(pair.key(), Certificates.toPem(issued.key()));
        return pair;
    }

    /**
     * Puts {@code replacement}'s certificate and key in place of {@code target}'s files as a renewal tool does: each
     * written beside its target first, then renamed over it, so that no reader ever sees half a file.
     */
    static void replace(Pair target, Pair replacement) throws IOException {
        for (Path[] move : new Path[][] {{replacement.cert(), target.cert()}, {replacement.key(), target.key()}}) {
            Path temporary = move[1].resolveSibling(move[1].getFileName() + ".new");
            Files.copy(move[0], temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, move[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void write(Path file, String pem) throws IOException {
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    /**
     * A certificate chain file and its key file.
     *
     * @param cert the chain, leaf first
     * @param key the leaf's private key, PKCS#8
     * @param issued what was written
     */
    record Pair(Path cert, Path key, Issued issued) {
        /** {@return the leaf's SHA-256 fingerprint, colon-separated, as openssl and serve print it} */
        String fingerprint() {
            return Certificates.sha256Fingerprint(issued.certificate());
        }
    }
}
