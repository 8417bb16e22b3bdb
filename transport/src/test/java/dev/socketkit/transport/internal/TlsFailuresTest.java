package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.Certificates.KeyType;
import dev.socketkit.transport.internal.Certificates.Usage;
import dev.socketkit.transport.internal.TlsFailures.Kind;
import dev.socketkit.transport.internal.TlsLoopback.Outcome;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of TLS failure, provoked for real over loopback on each pair of engines, and the one line it becomes. The
 * exception shapes these lines are read from differ between the engines (see {@link TlsFailures}); each pair is run
 * so that a change in either shows up here.
 */
class TlsFailuresTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("socketkit test CA");
    private static final CertificateAuthority STRANGER = CertificateAuthority.create("a CA nobody trusts");
    private static final Issued GOOD = CA.issueServer(List.of("localhost", "127.0.0.1"));
    // RSA, so that an old client can use ECDHE_RSA with CBC, which Netty's default suites have for TLS 1.1 and 1.2.
    private static final Issued RSA = CA.issue(
            Usage.SERVER,
            "localhost",
            List.of("127.0.0.1"),
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)),
            KeyType.RSA);
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

    static Stream<Arguments> enginePairs() {
        return Stream.of(
                Arguments.of(TlsEngine.JDK, TlsEngine.JDK),
                Arguments.of(TlsEngine.JDK, TlsEngine.OPENSSL),
                Arguments.of(TlsEngine.OPENSSL, TlsEngine.JDK),
                Arguments.of(TlsEngine.OPENSSL, TlsEngine.OPENSSL));
    }

    static void assumeAvailable(TlsEngine... engines) {
        for (TlsEngine engine : engines) {
            assumeTrue(engine != TlsEngine.OPENSSL || OpenSsl.isAvailable(), "OpenSSL does not load here");
        }
    }

    private static TlsConfig identity(Issued issued) {
        return TlsConfig.fromPem(Certificates.toPem(issued.chain()), Certificates.toPem(issued.key()));
    }

    /** Both sides' view of one connection attempt. */
    private record Attempt(String endpoint, Throwable clientFailure, Outcome server) {}

    /**
     * Connects and returns why the client's connection failed: in the handshake, or (a TLS 1.3 server rejecting the
     * client's certificate after the client has finished) on the first echo.
     */
    private static Attempt attempt(TlsEngine serverEngine, TlsConfig server, TlsEngine clientEngine, TlsConfig client)
            throws Exception {
        return attempt(serverEngine, server, clientEngine, client, "127.0.0.1");
    }

    private static Attempt attempt(
            TlsEngine serverEngine, TlsConfig server, TlsEngine clientEngine, TlsConfig client, String host)
            throws Exception {
        assumeAvailable(serverEngine, clientEngine);
        ServerTls tls = ServerTls.start(server.withEngine(serverEngine), "127.0.0.1");
        TlsConfig clientConfig = client.withEngine(clientEngine);
        SslContext context = TlsContexts.forClient(clientConfig);
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c = loopback.connect(s, context, clientConfig, host)) {
            Outcome handshake = c.awaitHandshake();
            Throwable failure = handshake.failure();
            if (failure == null) {
                Object echo = c.echo("ping");
                failure = echo instanceof Throwable t ? t : null;
            }
            return new Attempt("tcp://127.0.0.1:" + s.port(), failure, s.nextHandshake());
        }
    }

    private static String clientLine(Attempt attempt) {
        assertTrue(attempt.clientFailure() != null, "the connection should have failed");
        return TlsFailures.describe(attempt.endpoint(), attempt.clientFailure());
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void certificateFromAnUnknownCa(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Attempt attempt =
                attempt(serverEngine, identity(STRANGER.issueServer(List.of("127.0.0.1"))), clientEngine, TRUSTING_CA);
        assertEquals(
                attempt.endpoint() + ": TLS certificate not trusted: self-signed or issued by an unknown CA"
                        + " (trust its CA, or pin its SHA-256 fingerprint)",
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void selfSignedCertificateUnderSystemTrust(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Attempt attempt = attempt(serverEngine, TlsConfig.selfSigned(), clientEngine, TlsConfig.client());
        assertEquals(Kind.UNTRUSTED, TlsFailures.kind(attempt.clientFailure()));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void expiredCertificate(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Instant now = Instant.now();
        Issued expired = CA.issue(
                Usage.SERVER,
                "localhost",
                List.of("127.0.0.1"),
                now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)),
                KeyType.EC);
        Attempt attempt = attempt(serverEngine, identity(expired), clientEngine, TRUSTING_CA);
        assertEquals(
                attempt.endpoint() + ": TLS certificate expired on "
                        + expired.certificate().getNotAfter(),
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void certificateNotValidYet(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Instant now = Instant.now();
        Issued early = CA.issue(
                Usage.SERVER,
                "localhost",
                List.of("127.0.0.1"),
                now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)),
                KeyType.EC);
        Attempt attempt = attempt(serverEngine, identity(early), clientEngine, TRUSTING_CA);
        assertEquals(
                attempt.endpoint() + ": TLS certificate not valid yet: it starts "
                        + early.certificate().getNotBefore() + " (check the clocks)",
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void ipAddressNotInTheCertificate(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        // The host-name check runs on the OpenSSL engine too: Netty hands the JDK's X509ExtendedTrustManager the
        // engine, whose endpoint identification algorithm is HTTPS.
        Attempt attempt =
                attempt(serverEngine, identity(CA.issueServer(List.of("only.example"))), clientEngine, TRUSTING_CA);
        assertEquals(
                attempt.endpoint() + ": TLS host name mismatch: the certificate does not name 127.0.0.1",
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void serverNameNotInTheCertificate(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Attempt attempt =
                attempt(serverEngine, identity(GOOD), clientEngine, TRUSTING_CA.withServerName("wrong.example"));
        assertEquals(
                attempt.endpoint() + ": TLS host name mismatch: the certificate does not name wrong.example",
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void certificateWithoutAlternativeNamesIsCheckedByCommonName(TlsEngine serverEngine, TlsEngine clientEngine)
            throws Exception {
        Instant now = Instant.now();
        Issued noNames = CA.issue(
                Usage.SERVER, "other.example", List.of(), now.minusSeconds(60), now.plusSeconds(3600), KeyType.EC);
        Attempt attempt = attempt(serverEngine, identity(noNames), clientEngine, TRUSTING_CA, "localhost");
        assertEquals(
                attempt.endpoint() + ": TLS host name mismatch: the certificate does not name localhost",
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void pinOfAnotherCertificate(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        String otherPin =
                Certificates.sha256Fingerprint(CA.issueServer(List.of("x")).certificate());
        Attempt attempt = attempt(
                serverEngine, identity(GOOD), clientEngine, TlsConfig.client().withPin(otherPin.toLowerCase()));
        assertEquals(
                attempt.endpoint() + ": TLS certificate does not match the pin: expected SHA-256 " + otherPin + ", got "
                        + Certificates.sha256Fingerprint(GOOD.certificate()),
                clientLine(attempt));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void serverRequiresAClientCertificate(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Attempt attempt = attempt(
                serverEngine, identity(GOOD).withClientAuth(List.of(CA.certificate())), clientEngine, TRUSTING_CA);
        // The JDK's server says bad_certificate, BoringSSL certificate_required; both mean this.
        String alert = serverEngine == TlsEngine.JDK ? "bad_certificate" : "certificate_required";
        assertAll(
                () -> assertEquals(
                        attempt.endpoint() + ": the server requires a client certificate it trusts (alert " + alert
                                + ")",
                        clientLine(attempt)),
                () -> assertEquals(
                        "tcp://client: the client sent no TLS certificate, and this server requires one",
                        TlsFailures.describe("tcp://client", attempt.server().failure())));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void clientCertificateFromAnotherCaIsNotEvenOffered(TlsEngine serverEngine, TlsEngine clientEngine)
            throws Exception {
        // The server names the CAs it accepts, and the client's key manager offers no certificate outside them.
        Issued stranger = STRANGER.issueClient("intruder");
        TlsConfig client = identity(stranger).withSystemTrust(false).withTrustedCertificates(List.of(CA.certificate()));
        Attempt attempt =
                attempt(serverEngine, identity(GOOD).withClientAuth(List.of(CA.certificate())), clientEngine, client);
        assertAll(
                () -> assertEquals(Kind.CLIENT_CERTIFICATE_REQUIRED, TlsFailures.kind(attempt.clientFailure())),
                () -> assertEquals(
                        Kind.NO_CLIENT_CERTIFICATE,
                        TlsFailures.kind(attempt.server().failure())));
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void noSharedAlpnProtocol(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Attempt attempt = attempt(
                serverEngine,
                identity(GOOD).withAlpn(List.of("h2")),
                clientEngine,
                TRUSTING_CA.withAlpn(List.of("x-one", "x-two")));
        // A JDK server refuses with no_application_protocol; over OpenSSL the client finds no protocol and refuses.
        String expected = serverEngine == TlsEngine.JDK
                ? attempt.endpoint() + ": no ALPN protocol in common"
                : attempt.endpoint() + ": no ALPN protocol in common (offered x-one, x-two)";
        assertEquals(expected, clientLine(attempt));
    }

    @ParameterizedTest(name = "client {0}")
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void plainTextServer(TlsEngine clientEngine) throws Exception {
        assumeAvailable(clientEngine);
        TlsConfig config = TRUSTING_CA.withEngine(clientEngine);
        SslContext context = TlsContexts.forClient(config);
        try (TlsLoopback.Server s = loopback.plainServer("220 smtp.example ESMTP\r\n");
                TlsLoopback.Client c = loopback.connect(s, context, config, "127.0.0.1")) {
            Throwable failure = c.awaitHandshake().failure();
            String line = TlsFailures.describe("tcp://127.0.0.1:" + s.port(), failure);
            // Netty's JDK path keeps the bytes it refused; its OpenSSL path does not.
            String expected = clientEngine == TlsEngine.JDK
                    ? "tcp://127.0.0.1:" + s.port() + " is not speaking TLS (it sent \"220 smtp.example ESMTP\")"
                    : "tcp://127.0.0.1:" + s.port() + " is not speaking TLS";
            assertEquals(expected, line);
        }
    }

    @ParameterizedTest(name = "client {0}")
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void plainTextEchoServer(TlsEngine clientEngine) throws Exception {
        assumeAvailable(clientEngine);
        TlsConfig config = TRUSTING_CA.withEngine(clientEngine);
        SslContext context = TlsContexts.forClient(config);
        try (TlsLoopback.Server s = loopback.plainEchoServer();
                TlsLoopback.Client c = loopback.connect(s, context, config, "127.0.0.1")) {
            Throwable failure = c.awaitHandshake().failure();
            assertEquals(
                    "tcp://127.0.0.1:" + s.port() + " is not speaking TLS (it sent a TLS message out of place: a"
                            + " plain-text echo server sends back our own hello)",
                    TlsFailures.describe("tcp://127.0.0.1:" + s.port(), failure));
        }
    }

    @ParameterizedTest(name = "server {0}")
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void plainTextClient(TlsEngine serverEngine) throws Exception {
        assumeAvailable(serverEngine);
        ServerTls tls = ServerTls.start(identity(GOOD).withEngine(serverEngine), null);
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c = loopback.connect(s.port(), null)) {
            c.echo("GET / HTTP/1.1\r\n\r\n");
            assertEquals(Kind.NOT_TLS, TlsFailures.kind(s.nextHandshake().failure()));
        }
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("enginePairs")
    void serverSeesTheClientRejectItsCertificate(TlsEngine serverEngine, TlsEngine clientEngine) throws Exception {
        Attempt attempt = attempt(serverEngine, TlsConfig.selfSigned(), clientEngine, TRUSTING_CA);
        String line = TlsFailures.describe("tcp://client", attempt.server().failure());
        if (clientEngine == TlsEngine.JDK) {
            assertEquals("tcp://client: the peer rejected our TLS certificate (alert certificate_unknown)", line);
        } else {
            // Netty's OpenSSL client sends internal_error for a certificate its trust manager refused.
            assertEquals(Kind.OTHER, TlsFailures.kind(attempt.server().failure()));
            assertTrue(line.endsWith("(alert internal_error)"), line);
        }
    }

    /** A TLS 1.1-only server, which only OpenSSL can still be: the JDK disables TLS 1.1 in java.security. */
    private static SslContext tls11Server() throws Exception {
        return SslContextBuilder.forServer(RSA.key(), RSA.chain())
                .sslProvider(SslProvider.OPENSSL)
                .protocols("TLSv1.1")
                .build();
    }

    /** A client that offers TLS 1.1 and nothing else, with a cipher suite TLS 1.1 has. */
    private static SslContext tls11Client() throws Exception {
        return oldClient("TLSv1.1");
    }

    /** A client that offers one version and one cipher suite, which both TLS 1.1 and 1.2 have. */
    private static SslContext oldClient(String version) throws Exception {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .protocols(version)
                .ciphers(List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
    }

    @Test
    void theOldTlsPeersOfTheseTestsWorkWithEachOther() throws Exception {
        // The control for the two tests below: their refusals come from socketkit's side, not from a broken peer.
        assumeAvailable(TlsEngine.OPENSSL);
        SslContext server = tls11Server();
        SslContext client = tls11Client();
        try (TlsLoopback.Server s = loopback.server(server::newHandler);
                TlsLoopback.Client c = loopback.connect(s.port(), client::newHandler)) {
            Outcome outcome = c.awaitHandshake();
            assertAll(
                    () -> assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure())),
                    () -> assertEquals("TLSv1.1", outcome.protocol()));
        }
    }

    @ParameterizedTest(name = "client {0}")
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void clientRefusesAServerThatSpeaksOnlyTls11(TlsEngine clientEngine) throws Exception {
        assumeAvailable(TlsEngine.OPENSSL, clientEngine);
        SslContext server = tls11Server();
        TlsConfig config = TlsConfig.client().insecure().withEngine(clientEngine);
        SslContext context = TlsContexts.forClient(config);
        try (TlsLoopback.Server s = loopback.server(server::newHandler);
                TlsLoopback.Client c = loopback.connect(s, context, config, "127.0.0.1")) {
            Throwable failure = c.awaitHandshake().failure();
            assertEquals(
                    "tcp://127.0.0.1:" + s.port()
                            + ": no TLS version or cipher suite in common (socketkit speaks TLS 1.3 and 1.2 only)",
                    TlsFailures.describe("tcp://127.0.0.1:" + s.port(), failure));
        }
    }

    @ParameterizedTest(name = "server {0}")
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void serverRefusesAClientThatOffersOnlyTls11(TlsEngine serverEngine) throws Exception {
        assumeAvailable(TlsEngine.OPENSSL, serverEngine);
        ServerTls tls = ServerTls.start(identity(RSA).withEngine(serverEngine), null);
        SslContext client = tls11Client();
        SslContext sameClientOnTls12 = oldClient("TLSv1.2");
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c12 = loopback.connect(s.port(), sameClientOnTls12::newHandler)) {
            // The control: with TLS 1.2 the same cipher suite gets in, so what the server refuses below is the version.
            Outcome outcome = c12.awaitHandshake();
            assertAll(
                    () -> assertTrue(outcome.succeeded(), () -> String.valueOf(outcome.failure())),
                    () -> assertEquals("TLSv1.2", outcome.protocol()));
        }
        try (TlsLoopback.Server s = loopback.server(tls::newHandler);
                TlsLoopback.Client c = loopback.connect(s.port(), client::newHandler)) {
            Outcome outcome = c.awaitHandshake();
            assertAll(
                    () -> assertFalse(outcome.succeeded(), "a TLS 1.1 client got in"),
                    () -> assertEquals(Kind.NO_SHARED_PROTOCOL, TlsFailures.kind(outcome.failure())),
                    () -> assertEquals(
                            "tcp://client: no TLS version or cipher suite in common (socketkit speaks TLS 1.3 and 1.2"
                                    + " only)",
                            TlsFailures.describe(
                                    "tcp://client", s.nextHandshake().failure())));
        }
    }

    /** A client that connects and sends nothing, past the server's handshake timeout: Netty's own exception. */
    @ParameterizedTest(name = "server {0}")
    @EnumSource(
            value = TlsEngine.class,
            names = {"JDK", "OPENSSL"})
    void aSilentClientPastTheHandshakeTimeout(TlsEngine serverEngine) throws Exception {
        assumeAvailable(serverEngine);
        ServerTls tls = ServerTls.start(identity(GOOD).withEngine(serverEngine), null);
        try (TlsLoopback.Server s = loopback.server(allocator -> {
                    SslHandler handler = tls.newHandler(allocator);
                    handler.setHandshakeTimeoutMillis(200);
                    return handler;
                });
                TlsLoopback.Client c = loopback.connect(s.port(), null)) {
            Throwable failure = s.nextHandshake().failure();
            assertTrue(c.channel.closeFuture().await(5, TimeUnit.SECONDS), "the server should close the connection");
            assertAll(
                    () -> assertEquals(Kind.TIMED_OUT, TlsFailures.kind(failure)),
                    () -> assertTrue(TlsFailures.isTls(failure), failure::toString),
                    () -> assertEquals(
                            "tcp://client: TLS handshake not complete within 200ms",
                            TlsFailures.describe("tcp://client", failure)));
        }
    }

    @Test
    void peerClosingMidHandshakeSaysSo() {
        assertEquals(
                "tcp://h:1 closed the connection during the TLS handshake",
                TlsFailures.describe("tcp://h:1", new java.nio.channels.ClosedChannelException()));
    }

    @Test
    void anythingElseKeepsTheRootMessage() {
        Exception failure = new javax.net.ssl.SSLException("outer", new IllegalStateException("the root"));
        assertAll(
                () -> assertEquals(Kind.OTHER, TlsFailures.kind(failure)),
                () -> assertEquals(
                        "tcp://h:1: TLS handshake failed: the root", TlsFailures.describe("tcp://h:1", failure)),
                () -> assertInstanceOf(String.class, TlsFailures.describe("x", new RuntimeException())));
    }
}
