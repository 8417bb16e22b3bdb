package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.Certificates.KeyType;
import dev.socketkit.transport.internal.Certificates.Usage;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Generating, writing and reading certificates and keys. */
class CertificatesTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("socketkit test CA");

    @Test
    void selfSignedCarriesTheNamesAsDnsAndIpEntriesAndIsValidFromYesterdayForAYear() throws Exception {
        Instant before = Instant.now();
        Issued issued = Certificates.selfSigned(List.of("localhost", "127.0.0.1", "::1", "[::2]"));
        X509Certificate cert = issued.certificate();
        // Type 2 is dNSName, 7 iPAddress (RFC 5280); the JDK prints IPv6 in full form.
        List<List<?>> names = List.copyOf(cert.getSubjectAlternativeNames());
        assertAll(
                () -> assertEquals(
                        List.of(
                                List.of(2, "localhost"),
                                List.of(7, "127.0.0.1"),
                                List.of(7, "0:0:0:0:0:0:0:1"),
                                List.of(7, "0:0:0:0:0:0:0:2")),
                        names),
                () -> assertEquals(
                        "CN=localhost", cert.getSubjectX500Principal().getName()),
                () -> assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal()),
                () -> assertEquals("EC", cert.getPublicKey().getAlgorithm()),
                () -> assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage(), "serverAuth"),
                () -> assertEquals(-1, cert.getBasicConstraints(), "not a CA"),
                () -> assertTrue(!cert.getNotBefore().toInstant().isAfter(before.minus(Duration.ofHours(23)))),
                () -> assertEquals(
                        Duration.ofDays(366),
                        Duration.between(
                                cert.getNotBefore().toInstant(),
                                cert.getNotAfter().toInstant())));
        cert.verify(cert.getPublicKey());
    }

    @Test
    void fingerprintIsUpperCaseHexPairsJoinedByColonsOfTheSha256OfTheDer() throws Exception {
        X509Certificate cert = CA.issueServer(List.of("localhost")).certificate();
        String fingerprint = Certificates.sha256Fingerprint(cert);
        String expected = HexFormat.of()
                .withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        assertAll(
                () -> assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint),
                () -> assertEquals(expected, fingerprint.replace(":", "")));
    }

    @Test
    void caIssuesLeavesItSignedWithTheChosenUsageNamesAndValidity() throws Exception {
        Instant notBefore = Instant.parse("2020-01-01T00:00:00Z");
        Instant notAfter = Instant.parse("2020-02-01T00:00:00Z");
        Issued client = CA.issue(Usage.CLIENT, "alice", List.of("alice.example"), notBefore, notAfter, KeyType.RSA);
        X509Certificate cert = client.certificate();
        cert.verify(CA.certificate().getPublicKey());
        assertAll(
                () -> assertEquals(List.of(cert, CA.certificate()), client.chain()),
                () -> assertEquals("CN=alice", cert.getSubjectX500Principal().getName()),
                () -> assertEquals(CA.certificate().getSubjectX500Principal(), cert.getIssuerX500Principal()),
                () -> assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), "clientAuth"),
                () -> assertEquals(notBefore, cert.getNotBefore().toInstant()),
                () -> assertEquals(notAfter, cert.getNotAfter().toInstant()),
                () -> assertEquals("RSA", client.key().getAlgorithm()),
                () -> assertTrue(CA.certificate().getBasicConstraints() >= 0, "the CA is a CA"));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsBackKeysWrittenAsPkcs8AndInTheTraditionalForm(KeyType type) {
        Issued issued = CA.issue(
                Usage.SERVER,
                "localhost",
                List.of("localhost"),
                Instant.now(),
                Instant.now().plusSeconds(60),
                type);
        String pkcs8 = Certificates.toPem(issued.key());
        String traditional = Certificates.toTraditionalPem(issued.key());
        String header = type == KeyType.RSA ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----";
        assertAll(
                () -> assertTrue(pkcs8.startsWith("-----BEGIN PRIVATE KEY-----"), pkcs8),
                () -> assertTrue(traditional.startsWith(header), traditional),
                () -> assertEquals(issued.key(), Certificates.readPrivateKey(pkcs8, "pkcs8")),
                // The same key, though the JDK encodes an EC key read from SEC1 with its curve twice, so not equal().
                () -> assertTrue(Certificates.matches(
                        Certificates.readPrivateKey(traditional, "traditional"), issued.certificate())));
    }

    @ParameterizedTest
    @CsvSource({"ec-cert.pem, ec-sec1-key.pem, EC", "rsa-cert.pem, rsa-pkcs1-key.pem, RSA"})
    void readsWhatOpensslWrites(String certFile, String keyFile, String algorithm) throws Exception {
        Issued read = Certificates.readPemFiles(fixturePath(certFile), fixturePath(keyFile));
        assertAll(
                () -> assertEquals(algorithm, read.key().getAlgorithm()),
                () -> assertEquals(
                        "CN=localhost",
                        read.certificate().getSubjectX500Principal().getName()),
                () -> assertTrue(Certificates.matches(read.key(), read.certificate())));
    }

    static Path fixturePath(String name) throws URISyntaxException {
        return Path.of(CertificatesTest.class.getResource("/tls/" + name).toURI());
    }

    static String fixture(String name) throws Exception {
        return Files.readString(fixturePath(name));
    }

    @Test
    void readsAChainInOrder() {
        Issued issued = CA.issueServer(List.of("localhost"));
        assertEquals(issued.chain(), Certificates.readCertificates(Certificates.toPem(issued.chain()), "chain"));
    }

    @Test
    void rejectsTextWithoutACertificateOrKeyNamingTheSource() {
        IllegalArgumentException noCert = assertThrows(
                IllegalArgumentException.class, () -> Certificates.readCertificates("hello", "/etc/x.pem"));
        IllegalArgumentException noKey = assertThrows(
                IllegalArgumentException.class,
                () -> Certificates.readPrivateKey(Certificates.toPem(CA.certificate()), "/etc/k.pem"));
        assertAll(
                () -> assertEquals("no certificate (BEGIN CERTIFICATE) in /etc/x.pem", noCert.getMessage()),
                () -> assertTrue(noKey.getMessage().startsWith("no private key"), noKey.getMessage()),
                () -> assertTrue(noKey.getMessage().endsWith("in /etc/k.pem"), noKey.getMessage()));
    }

    @Test
    void rejectsAnEncryptedKeySayingHowToDecryptIt() throws Exception {
        String encrypted = fixture("ec-encrypted-key.pem");
        assertTrue(encrypted.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), encrypted);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Certificates.readPrivateKey(encrypted, "key.pem"));
        assertTrue(e.getMessage().contains("the private key in key.pem is encrypted"), e.getMessage());
    }

    @Test
    void readPemFilesRejectsAKeyThatDoesNotBelongToTheCertificate(@TempDir Path dir) throws Exception {
        Path chain = Files.writeString(
                dir.resolve("chain.pem"),
                Certificates.toPem(CA.issueServer(List.of("a")).chain()));
        Path key = Files.writeString(
                dir.resolve("key.pem"),
                Certificates.toPem(CA.issueServer(List.of("b")).key()));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Certificates.readPemFiles(chain, key));
        assertEquals(
                "the private key in " + key + " does not belong to the certificate in " + chain + " (CN=a)",
                e.getMessage());
    }

    @Test
    void readPemFilesNamesAMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Certificates.readPemFiles(missing, missing));
        assertEquals("no such certificate file: " + missing, e.getMessage());
    }

    @Test
    void readsACertificateAndKeyFromOneFile(@TempDir Path dir) throws Exception {
        Issued issued = CA.issueServer(List.of("localhost"));
        Path both = Files.writeString(
                dir.resolve("both.pem"),
                Certificates.toTraditionalPem(issued.key()) + Certificates.toPem(issued.chain()));
        Issued read = Certificates.readPemFiles(both, both);
        assertAll(
                () -> assertEquals(issued.chain(), read.chain()),
                () -> assertTrue(Certificates.matches(read.key(), issued.certificate())));
    }

    @Test
    void matchesTellsAPairFromTwoStrangers() {
        Issued one = CA.issueServer(List.of("one"));
        Issued two = CA.issueServer(List.of("two"));
        assertAll(
                () -> assertTrue(Certificates.matches(one.key(), one.certificate())),
                () -> assertFalse(Certificates.matches(one.key(), two.certificate())),
                () -> assertFalse(Certificates.matches(
                        CA.issue(
                                        Usage.SERVER,
                                        "r",
                                        List.of(),
                                        Instant.now(),
                                        Instant.now().plusSeconds(9),
                                        KeyType.RSA)
                                .key(),
                        one.certificate())));
    }

    @Test
    void issuedNeverPrintsItsKey() {
        Issued issued = CA.issue(
                Usage.SERVER,
                "localhost",
                List.of(),
                Instant.now(),
                Instant.now().plusSeconds(60),
                KeyType.RSA);
        assertEquals("Issued[CN=localhost, chain of 2]", issued.toString());
    }
}
