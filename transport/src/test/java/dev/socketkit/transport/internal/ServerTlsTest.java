package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.TlsLoopback.Outcome;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server's certificate reloading from its files: new connections get the new one, old ones keep theirs. */
class ServerTlsTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("socketkit test CA");
    private static final TlsConfig TRUSTING_CA =
            TlsConfig.client().withSystemTrust(false).withTrustedCertificates(List.of(CA.certificate()));

    @TempDir
    Path dir;

    private Path chainFile;
    private Path keyFile;
    // Each write moves the files' time on by a second, so that a change never hides in a coarse file-system clock.
    private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
    private int writes;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    @BeforeEach
    void files() {
        chainFile = dir.resolve("chain.pem");
        keyFile = dir.resolve("key.pem");
    }

    /** A server whose warnings land in {@link #warnings}. */
    private ServerTls start(TlsConfig config, LongSupplier nanoTime) throws Exception {
        return new ServerTls(config, null, nanoTime, warnings::add);
    }

    /** A server on the JDK engine over the two files. */
    private ServerTls start() throws Exception {
        return start(TlsConfig.fromPemFiles(chainFile, keyFile).withEngine(TlsEngine.JDK), System::nanoTime);
    }

    private void write(String chainPem, String keyPem) throws Exception {
        writes++;
        FileTime time = FileTime.from(start.plusSeconds(writes));
        Files.writeString(chainFile, chainPem);
        Files.writeString(keyFile, keyPem);
        Files.setLastModifiedTime(chainFile, time);
        Files.setLastModifiedTime(keyFile, time);
    }

    private void write(Issued issued) throws Exception {
        write(Certificates.toPem(issued.chain()), Certificates.toPem(issued.key()));
    }

    private static void assumeAvailable(TlsEngine engine) {
        assumeTrue(engine != TlsEngine.OPENSSL || OpenSsl.isAvailable(), "OpenSSL does not load here");
    }

    private static Issued issue() {
        return CA.issueServer(List.of("localhost", "127.0.0.1"));
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void newConnectionsGetTheRewrittenCertificateWhileAnOpenOneKeepsWorking(TlsEngine engine) throws Exception {
        assumeAvailable(engine);
        Issued first = issue();
        Issued second = issue();
        write(first);
        ServerTls tls = start(TlsConfig.fromPemFiles(chainFile, keyFile).withEngine(engine), System::nanoTime);
        TlsConfig client = TRUSTING_CA.withEngine(engine);
        SslContext context = TlsContexts.forClient(client);
        try (TlsLoopback loopback = new TlsLoopback();
                TlsLoopback.Server server = loopback.server(tls::newHandler);
                TlsLoopback.Client old = loopback.connect(server, context, client, "127.0.0.1")) {
            Outcome before = old.awaitHandshake();
            assertEquals(first.certificate(), before.peerCertificate());

            write(second);
            assertTrue(tls.reloadIfChanged(), "the rewritten files were not taken");

            try (TlsLoopback.Client fresh = loopback.connect(server, context, client, "127.0.0.1")) {
                assertEquals(second.certificate(), fresh.awaitHandshake().peerCertificate());
                assertEquals("new", fresh.echo("new"));
            }
            assertAll(
                    () -> assertEquals("still", old.echo("still")),
                    () -> assertEquals(
                            first.certificate(), old.ssl.engine().getSession().getPeerCertificates()[0]),
                    () -> assertEquals(Certificates.sha256Fingerprint(second.certificate()), tls.fingerprint()),
                    () -> assertTrue(warnings.isEmpty(), () -> warnings.toString()));
        }
    }

    @Test
    void newHandlerLooksAtTheFilesAtMostOnceASecond() throws Exception {
        Issued first = issue();
        Issued second = issue();
        write(first);
        AtomicLong now = new AtomicLong(0);
        ServerTls tls = start(TlsConfig.fromPemFiles(chainFile, keyFile).withEngine(TlsEngine.JDK), now::get);
        write(second);

        release(tls.newHandler(ByteBufAllocator.DEFAULT));
        assertEquals(first.certificate(), tls.certificate(), "checked before a second had passed");

        now.set(TimeUnit.MILLISECONDS.toNanos(999));
        release(tls.newHandler(ByteBufAllocator.DEFAULT));
        assertEquals(first.certificate(), tls.certificate(), "checked before a second had passed");

        now.set(TimeUnit.SECONDS.toNanos(1));
        release(tls.newHandler(ByteBufAllocator.DEFAULT));
        assertEquals(second.certificate(), tls.certificate(), "not checked after a second");
    }

    private static void release(SslHandler handler) {
        ReferenceCountUtil.release(handler.engine());
    }

    @Test
    void unchangedFilesAreNotReadAgain() throws Exception {
        write(issue());
        ServerTls tls = start();
        SslContext before = tls.context();
        assertAll(() -> assertFalse(tls.reloadIfChanged()), () -> assertSame(before, tls.context()));
    }

    @Test
    void aKeyThatDoesNotMatchKeepsTheOldCertificateWarnsOnceAndIsRetriedOnTheNextChange() throws Exception {
        Issued first = issue();
        Issued second = issue();
        write(first);
        ServerTls tls = start();

        // Half way through a renewal: the new certificate is written, the key is still the old one.
        write(Certificates.toPem(second.chain()), Certificates.toPem(first.key()));
        assertAll(
                () -> assertFalse(tls.reloadIfChanged()),
                () -> assertFalse(tls.reloadIfChanged()),
                () -> assertEquals(first.certificate(), tls.certificate()));
        assertEquals(1, warnings.size(), () -> "one warning per change: " + warnings);
        String warning = warnings.get(0);
        assertAll(
                () -> assertTrue(
                        warning.startsWith("keeping the current TLS certificate ("
                                + Certificates.sha256Fingerprint(first.certificate()) + "): cannot reload "),
                        warning),
                () -> assertTrue(
                        warning.contains("the private key in " + keyFile + " does not belong to the certificate in "
                                + chainFile),
                        warning));

        write(second);
        assertAll(
                () -> assertTrue(tls.reloadIfChanged()),
                () -> assertEquals(second.certificate(), tls.certificate()),
                () -> assertEquals(1, warnings.size()));
    }

    @Test
    void unreadableOrMissingFilesKeepTheOldCertificate() throws Exception {
        Issued first = issue();
        write(first);
        ServerTls tls = start();

        write("-----BEGIN CERTIFICATE-----\nnot base64\n", Certificates.toPem(first.key()));
        assertFalse(tls.reloadIfChanged());
        // Then the certificate is fine again but the key is gone (a renewal that moves files in two steps).
        write(Certificates.toPem(first.chain()), Certificates.toPem(first.key()));
        Files.delete(keyFile);
        assertFalse(tls.reloadIfChanged());

        assertAll(
                () -> assertEquals(first.certificate(), tls.certificate()),
                () -> assertEquals(2, warnings.size(), () -> warnings.toString()),
                () -> assertTrue(
                        warnings.get(0).contains("cannot read certificates from " + chainFile), () -> warnings.get(0)),
                () -> assertTrue(
                        warnings.get(1).contains("no such private key file: " + keyFile), () -> warnings.get(1)));
    }

    @Test
    void anIdentityNotFromFilesNeverReloads() throws Exception {
        ServerTls tls = ServerTls.start(TlsConfig.selfSigned().withEngine(TlsEngine.JDK), null);
        assertFalse(tls.reloadIfChanged());
    }
}
