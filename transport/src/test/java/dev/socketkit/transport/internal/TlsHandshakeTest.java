package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.Certificates.KeyType;
import dev.socketkit.transport.internal.Certificates.Usage;
import dev.socketkit.transport.internal.TlsLoopback.Outcome;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Handshakes that succeed, over loopback, on each engine: every identity source, trust mode, ALPN and SNI. */
class TlsHandshakeTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("socketkit test CA");
    private static final Issued GOOD = CA.issueServer(List.of("localhost", "127.0.0.1"));
    private static final TlsConfig TRUSTING_CA =
            TlsConfig.client().withSystemTrust(false).withTrustedCertificates(List.of(CA.certificate()));

    private static TlsLoopback loopback;

    @BeforeAll
    static void start() {
        loopback = new TlsLoopback();
    }

    @AfterAll
    static void stop() {
        loopback.close();
    }

    static void assumeAvailable(TlsEngine engine) {
        assumeTrue(engine != TlsEngine.OPENSSL || OpenSsl.isAvailable(), "OpenSSL does not load here");
    }

    private static TlsConfig identity(Issued issued) {
        return TlsConfig.fromPem(Certificates.toPem(issued.chain()), Certificates.toPem(issued.key()));
    }

    /** Both ends of a connection that completed its handshake and echoed a line. */
    private record Connected(Outcome client, Outcome server) {}

    private static Connected connect(TlsEngine engine, TlsConfig server, TlsConfig client, String host)
            throws Exception {
        assumeAvailable(engine);
        ServerTls tls = ServerTls.start(server.withEngine(engine), "127.0.0.1");
        TlsConfig clientConfig = client.withEngine(engine);
        SslContext context = TlsContexts.forClient(clientConfig);
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c = loopback.connect(s, context, clientConfig, host)) {
            Outcome outcome = c.awaitHandshake();
            assertTrue(outcome.succeeded(), () -> "handshake failed: " + outcome.failure());
            assertEquals("ping", c.echo("ping"));
            return new Connected(outcome, s.nextHandshake());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void servesPemFilesWithAPkcs8EcKey(TlsEngine engine, @TempDir Path dir) throws Exception {
        Path chain = Files.writeString(dir.resolve("chain.pem"), Certificates.toPem(GOOD.chain()));
        Path key = Files.writeString(dir.resolve("key.pem"), Certificates.toPem(GOOD.key()));
        Connected connected = connect(engine, TlsConfig.fromPemFiles(chain, key), TRUSTING_CA, "127.0.0.1");
        assertAll(
                () -> assertEquals(GOOD.certificate(), connected.client().peerCertificate()),
                () -> assertEquals("TLSv1.3", connected.client().protocol()));
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void servesPemFilesWithAPkcs1RsaKey(TlsEngine engine, @TempDir Path dir) throws Exception {
        Instant now = Instant.now();
        Issued rsa = CA.issue(
                Usage.SERVER,
                "localhost",
                List.of("127.0.0.1"),
                now.minusSeconds(60),
                now.plus(Duration.ofDays(1)),
                KeyType.RSA);
        Path chain = Files.writeString(dir.resolve("chain.pem"), Certificates.toPem(rsa.chain()));
        Path key = Files.writeString(dir.resolve("key.pem"), Certificates.toTraditionalPem(rsa.key()));
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        Connected connected = connect(engine, TlsConfig.fromPemFiles(chain, key), TRUSTING_CA, "127.0.0.1");
        assertEquals(rsa.certificate(), connected.client().peerCertificate());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void servesKeysAndCertificatesThatOpensslMade(TlsEngine engine) throws Exception {
        TlsConfig server = TlsConfig.fromPemFiles(
                CertificatesTest.fixturePath("ec-cert.pem"), CertificatesTest.fixturePath("ec-sec1-key.pem"));
        TlsConfig client = TlsConfig.client()
                .withSystemTrust(false)
                .withTrustedCertificates(CertificatesTest.fixturePath("ec-cert.pem"));
        Connected connected = connect(engine, server, client, "localhost");
        assertEquals(server.certificateChain().get(0), connected.client().peerCertificate());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void servesPemStrings(TlsEngine engine) throws Exception {
        Connected connected = connect(engine, identity(GOOD), TRUSTING_CA, "localhost");
        assertEquals(GOOD.certificate(), connected.client().peerCertificate());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void servesAKeyStore(TlsEngine engine) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", GOOD.key(), "pw".toCharArray(), GOOD.chain().toArray(Certificate[]::new));
        store.setCertificateEntry("ca", CA.certificate());
        Connected connected =
                connect(engine, TlsConfig.fromKeyStore(store, "pw".toCharArray()), TRUSTING_CA, "127.0.0.1");
        assertEquals(GOOD.certificate(), connected.client().peerCertificate());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void enablesTls13And12AndNothingElseOnEitherSide(TlsEngine engine) throws Exception {
        assumeAvailable(engine);
        SslHandler server =
                ServerTls.start(identity(GOOD).withEngine(engine), null).newHandler(ByteBufAllocator.DEFAULT);
        TlsConfig config = TRUSTING_CA.withEngine(engine);
        SslHandler client = TlsContexts.newClientHandler(
                TlsContexts.forClient(config), config, ByteBufAllocator.DEFAULT, "localhost", 443);
        try {
            assertAll(
                    () -> assertEquals(Set.of("TLSv1.3", "TLSv1.2"), versions(server)),
                    () -> assertEquals(Set.of("TLSv1.3", "TLSv1.2"), versions(client)));
        } finally {
            // The OpenSSL engines hold native memory until released.
            ReferenceCountUtil.release(server.engine());
            ReferenceCountUtil.release(client.engine());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void checksHostNamesUnlessPinnedOrInsecure(TlsEngine engine) throws Exception {
        assumeAvailable(engine);
        String pin = Certificates.sha256Fingerprint(GOOD.certificate());
        assertAll(
                () -> assertEquals("HTTPS", endpointIdentification(TRUSTING_CA.withEngine(engine))),
                () -> assertEquals(
                        "HTTPS", endpointIdentification(TlsConfig.client().withEngine(engine))),
                () -> assertEquals(
                        null,
                        endpointIdentification(TlsConfig.client().withPin(pin).withEngine(engine))),
                () -> assertEquals(
                        null,
                        endpointIdentification(TlsConfig.client().insecure().withEngine(engine))));
    }

    private static String endpointIdentification(TlsConfig config) throws Exception {
        SslHandler handler = TlsContexts.newClientHandler(
                TlsContexts.forClient(config), config, ByteBufAllocator.DEFAULT, "service.example", 443);
        try {
            return handler.engine().getSSLParameters().getEndpointIdentificationAlgorithm();
        } finally {
            ReferenceCountUtil.release(handler.engine());
        }
    }

    /**
     * The protocol versions an engine has enabled. Netty's OpenSSL engine always lists SSLv2Hello too, a ClientHello
     * format rather than a version, which BoringSSL never accepts (there is no SSLv2 in it); the TLS 1.1 tests show
     * what is refused on the wire.
     */
    private static Set<String> versions(SslHandler handler) {
        Set<String> versions = new HashSet<>(List.of(handler.engine().getEnabledProtocols()));
        versions.remove("SSLv2Hello");
        return versions;
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void acceptsAClientLimitedToTls12(TlsEngine engine) throws Exception {
        assumeAvailable(engine);
        ServerTls tls = ServerTls.start(identity(GOOD).withEngine(engine), null);
        SslContext tls12 = SslContextBuilder.forClient()
                .sslProvider(engine == TlsEngine.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
                .protocols("TLSv1.2")
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c = loopback.connect(s.port(), tls12::newHandler)) {
            Outcome outcome = c.awaitHandshake();
            assertAll(
                    () -> assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure())),
                    () -> assertEquals("TLSv1.2", outcome.protocol()),
                    () -> assertEquals("ping", c.echo("ping")));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void keepsTheSystemCasWhenAddingOne(TlsEngine engine) throws Exception {
        TlsConfig both = TlsConfig.client().withTrustedCertificates(List.of(CA.certificate()));
        assertTrue(both.systemTrust());
        connect(engine, identity(GOOD), both, "127.0.0.1");
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void pinAcceptsTheSelfSignedCertificateWhateverTheName(TlsEngine engine) throws Exception {
        assumeAvailable(engine);
        ServerTls tls = ServerTls.start(TlsConfig.selfSigned().withEngine(engine), "127.0.0.1");
        // Pinned: the name is not checked, so one the certificate does not carry still gets in.
        TlsConfig client = TlsConfig.client()
                .withPin(tls.fingerprint().toLowerCase())
                .withServerName("not-in-the-certificate.example")
                .withEngine(engine);
        SslContext context = TlsContexts.forClient(client);
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c = loopback.connect(s, context, client, "127.0.0.1")) {
            Outcome outcome = c.awaitHandshake();
            assertAll(
                    () -> assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure())),
                    () -> assertEquals(tls.certificate(), outcome.peerCertificate()),
                    () -> assertEquals("ping", c.echo("ping")));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void insecureAcceptsAnExpiredCertificateForAnotherHostFromAnUnknownCa(TlsEngine engine) throws Exception {
        Instant now = Instant.now();
        Issued bad = CertificateAuthority.create("unknown")
                .issue(
                        Usage.SERVER,
                        "elsewhere.example",
                        List.of("elsewhere.example"),
                        now.minus(Duration.ofDays(9)),
                        now.minus(Duration.ofDays(1)),
                        KeyType.EC);
        Connected connected = connect(engine, identity(bad), TlsConfig.client().insecure(), "127.0.0.1");
        assertEquals(bad.certificate(), connected.client().peerCertificate());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void mutualTlsLetsInAClientWithACertificateFromTheCa(TlsEngine engine) throws Exception {
        Issued alice = CA.issueClient("alice");
        TlsConfig client = identity(alice).withSystemTrust(false).withTrustedCertificates(List.of(CA.certificate()));
        Connected connected =
                connect(engine, identity(GOOD).withClientAuth(List.of(CA.certificate())), client, "127.0.0.1");
        assertEquals(alice.certificate(), connected.server().peerCertificate());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void negotiatesAnAlpnProtocolBothSidesHave(TlsEngine engine) throws Exception {
        Connected connected = connect(
                engine,
                identity(GOOD).withAlpn(List.of("h2", "http/1.1")),
                TRUSTING_CA.withAlpn(List.of("x-unknown", "http/1.1")),
                "127.0.0.1");
        assertAll(
                () -> assertEquals("http/1.1", connected.client().applicationProtocol()),
                () -> assertEquals("http/1.1", connected.server().applicationProtocol()));
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void sendsTheHostNameAsSni(TlsEngine engine) throws Exception {
        Issued named = CA.issueServer(List.of("service.example"));
        assertEquals(
                List.of("service.example"),
                connect(engine, identity(named), TRUSTING_CA, "service.example")
                        .server()
                        .serverNames());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void sendsNoSniForASingleLabelNameSuchAsLocalhost(TlsEngine engine) throws Exception {
        // Both engines follow the JDK's rule that an SNI host name has a dot; the certificate is still checked.
        assertEquals(
                List.of(),
                connect(engine, identity(GOOD), TRUSTING_CA, "localhost")
                        .server()
                        .serverNames());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void sendsNoSniForAnIpAddressButChecksItAgainstTheCertificatesIpEntries(TlsEngine engine) throws Exception {
        // GOOD names 127.0.0.1 as an IP entry; the handshake passing shows the check matched it.
        assertEquals(
                List.of(),
                connect(engine, identity(GOOD), TRUSTING_CA, "127.0.0.1")
                        .server()
                        .serverNames());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void serverNameReplacesTheEndpointsHostForSniAndTheCheck(TlsEngine engine) throws Exception {
        Issued named = CA.issueServer(List.of("service.example"));
        Connected connected =
                connect(engine, identity(named), TRUSTING_CA.withServerName("service.example"), "127.0.0.1");
        assertEquals(List.of("service.example"), connected.server().serverNames());
    }

    @ParameterizedTest
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void selfSignedServerNamesLocalhostTheLoopbackAddressesAndItsBindHost(TlsEngine engine) throws Exception {
        assumeAvailable(engine);
        ServerTls tls = ServerTls.start(TlsConfig.selfSigned().withEngine(engine), "192.0.2.7");
        List<List<?>> names = List.copyOf(tls.certificate().getSubjectAlternativeNames());
        assertAll(
                () -> assertEquals(
                        List.of(
                                List.of(2, "localhost"),
                                List.of(7, "127.0.0.1"),
                                List.of(7, "0:0:0:0:0:0:0:1"),
                                List.of(7, "192.0.2.7")),
                        names),
                () -> assertEquals("CN=localhost", tls.subject()),
                () -> assertEquals(Certificates.sha256Fingerprint(tls.certificate()), tls.fingerprint()));
    }

    @Test
    void selfSignedServerBoundToAWildcardLeavesTheWildcardOut() throws Exception {
        ServerTls tls = ServerTls.start(TlsConfig.selfSigned().withEngine(TlsEngine.JDK), "0.0.0.0");
        assertEquals(3, tls.certificate().getSubjectAlternativeNames().size());
    }

    @Test
    void autoPicksOpensslWhereItLoads() {
        assumeTrue(OpenSsl.isAvailable(), "OpenSSL does not load here");
        assertAll(
                () -> assertEquals(TlsEngine.OPENSSL, TlsContexts.resolve(TlsEngine.AUTO)),
                () -> assertEquals(TlsEngine.OPENSSL, TlsContexts.resolve(TlsEngine.OPENSSL)),
                () -> assertEquals(TlsEngine.JDK, TlsContexts.resolve(TlsEngine.JDK)));
    }

    @Test
    void opensslWhereItDoesNotLoadSaysWhy() {
        assumeTrue(!OpenSsl.isAvailable(), "OpenSSL loads here");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> TlsContexts.resolve(TlsEngine.OPENSSL));
        assertTrue(
                e.getMessage().startsWith("the OpenSSL TLS engine is not available on this machine: "), e.getMessage());
    }

    @Test
    void aClientCannotBeSelfSignedOrTrustNothing() {
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> TlsContexts.forClient(TlsConfig.selfSigned())),
                () -> assertThrows(
                        IllegalArgumentException.class,
                        () -> TlsContexts.forClient(TlsConfig.client().withSystemTrust(false))));
    }

    @Test
    void aServerNeedsAnIdentity() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ServerTls.start(TlsConfig.client(), null));
        assertTrue(e.getMessage().startsWith("a TLS server needs a certificate"), e.getMessage());
    }
}
