package dev.socketkit.junit;

import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.CertificateAuthority;
import dev.socketkit.transport.internal.Certificates;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates of a test run: one CA, made the first time a test asks for it and shared by every test in the JVM,
 * that signs the certificate of every {@code @SocketServer(tls = true)} server, and whatever more certificates a test
 * issues. Clients that trust it need no files, no pinning and no {@code insecure()}.
 *
 * <pre>{@code
 * @SocketServer(tls = true)
 * Endpoint server;                                   // tls://127.0.0.1:PORT, certificate from the run's CA
 *
 * @Test
 * void talksTls() throws Exception {
 *     HttpClient http = HttpClient.newBuilder().sslContext(TestCertificates.sslContext()).build();
 *     // ... or Client.connect(ClientConfig.defaults().withEndpoint(server).withTls(TestCertificates.clientTls()))
 * }
 * }</pre>
 *
 * <p>Certificates are EC P-256, valid from a day ago for a year (the CA for ten). Server certificates are for {@code
 * localhost}, {@code 127.0.0.1} and {@code ::1} unless issued for other names, so a client that checks host names
 * accepts them on loopback and over Unix sockets (where socketkit's client checks {@code localhost}). The CA lives
 * only in memory: a new one is made for every run, and nothing outside the run trusts it. All methods are thread-safe.
 */
public final class TestCertificates {
    /** The names a server certificate is for when no others are given. */
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");

    private TestCertificates() {}

    /** Made once, on first use, by the JVM's class initialization: lazily, and safely from any thread. */
    private static final class Run {
        static final CertificateAuthority CA = CertificateAuthority.create("socketkit-junit test CA");
        static final TlsConfig SERVER = Issued.of(CA.issueServer(LOOPBACK)).tlsConfig();
    }

    /** {@return the run's CA certificate: what a client must trust to accept the run's servers} */
    public static X509Certificate caCertificate() {
        return Run.CA.certificate();
    }

    /** {@return the run's CA certificate in PEM, for a client that reads its trusted CAs from text or a file} */
    public static String caCertificatePem() {
        return Certificates.toPem(caCertificate());
    }

    /**
     * {@return a TLS configuration for socketkit clients that trusts the run's CA and nothing else} Host names are
     * checked, as in production; use it with {@code ClientConfig.withTls}.
     */
    public static TlsConfig clientTls() {
        return TlsConfig.client().withSystemTrust(false).withTrustedCertificates(List.of(caCertificate()));
    }

    /**
     * {@return the TLS configuration of the run's servers: the run's certificate for {@code localhost}, {@code
     * 127.0.0.1} and {@code ::1}} What {@code @SocketServer(tls = true)} uses; for a {@link SocketServerExtension}, give
     * it to {@code ServerConfig.withTls}, with {@code withClientAuth(List.of(caCertificate()))} for mutual TLS.
     */
    public static TlsConfig serverTls() {
        return Run.SERVER;
    }

    /**
     * A JDK {@link SSLContext} that trusts the run's CA and nothing else, for clients that are not socketkit's: {@code
     * HttpClient.newBuilder().sslContext(...)}, {@code SSLSocketFactory}, a driver's TLS settings. A new context on
     * each call.
     *
     * @return an initialized context for TLS 1.3 and 1.2
     */
    public static SSLContext sslContext() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("socketkit-junit-ca", caCertificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make an SSLContext that trusts the test CA: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a new server certificate from the run's CA, for a server that needs names of its own (a wrong host name
     * on purpose, a name a client under test insists on).
     *
     * @param hostsAndIps its DNS names and IP addresses; the first is also its common name
     * @return the certificate and its key
     * @throws IllegalArgumentException if no name is given
     */
    public static Issued issueServer(String... hostsAndIps) {
        if (hostsAndIps.length == 0) {
            throw new IllegalArgumentException("a server certificate needs at least one host name or IP address");
        }
        return Issued.of(Run.CA.issueServer(List.of(hostsAndIps)));
    }

    /**
     * Issues a new client certificate from the run's CA, for mutual TLS: a server configured with {@code
     * withClientAuth(List.of(TestCertificates.caCertificate()))} lets it in.
     *
     * @param commonName who the client is, the subject's common name
     * @return the certificate and its key
     */
    public static Issued issueClient(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        return Issued.of(Run.CA.issueClient(commonName));
    }

    /**
     * A certificate issued by the run's CA, with its private key, as PEM text and as a ready TLS configuration.
     *
     * @param certificate the issued (leaf) certificate
     * @param chainPem the leaf certificate, then the CA's, in PEM: what a server presents
     * @param privateKeyPem the leaf's private key, unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
     */
    public record Issued(X509Certificate certificate, String chainPem, String privateKeyPem) {
        /**
         * Checks that no part is missing.
         *
         * @param certificate the issued (leaf) certificate
         * @param chainPem the leaf certificate, then the CA's, in PEM
         * @param privateKeyPem the leaf's private key in PEM
         */
        public Issued {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(chainPem, "chainPem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        }

        private static Issued of(Certificates.Issued issued) {
            return new Issued(
                    issued.certificate(), Certificates.toPem(issued.chain()), Certificates.toPem(issued.key()));
        }

        /**
         * {@return a TLS configuration that presents this certificate and trusts the run's CA only} On a server it is
         * the server's identity; on a client, the certificate it shows a server that asks for one (mutual TLS), while
         * it accepts servers whose certificate the run's CA issued.
         */
        public TlsConfig tlsConfig() {
            return TlsConfig.fromPem(chainPem, privateKeyPem)
                    .withSystemTrust(false)
                    .withTrustedCertificates(List.of(caCertificate()));
        }

        /** Names the certificate's subject; never the key. */
        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal().getName() + ", sha256 "
                    + Certificates.sha256Fingerprint(certificate) + "]";
        }
    }
}
