package dev.socketkit.transport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.internal.CertificateAuthority;
import dev.socketkit.transport.internal.Certificates;
import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.Certificates.KeyType;
import dev.socketkit.transport.internal.Certificates.Usage;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TLS config as a value: defaults, copies, validation, and a summary that shows no key. */
class TlsConfigTest {
    private static final CertificateAuthority CA = CertificateAuthority.create("socketkit test CA");
    private static final Issued SERVER = CA.issueServer(List.of("localhost"));

    private static TlsConfig server() {
        return TlsConfig.fromPem(Certificates.toPem(SERVER.chain()), Certificates.toPem(SERVER.key()));
    }

    @Test
    void clientDefaultsAreSystemTrustAndHostNameChecksOnAuto() {
        TlsConfig client = TlsConfig.client();
        assertAll(
                () -> assertTrue(client.systemTrust()),
                () -> assertFalse(client.isInsecure()),
                () -> assertEquals(Optional.empty(), client.pin()),
                () -> assertEquals(Optional.empty(), client.serverName()),
                () -> assertEquals(Optional.empty(), client.privateKey()),
                () -> assertEquals(List.of(), client.certificateChain()),
                () -> assertEquals(List.of(), client.alpn()),
                () -> assertEquals(List.of(), client.clientAuthCertificates()),
                () -> assertEquals(TlsEngine.JDK, client.engine()),
                () -> assertFalse(client.isSelfSigned()));
    }

    @Test
    void withMethodsReturnChangedCopiesAndLeaveTheOriginalAlone() {
        TlsConfig original = TlsConfig.client();
        TlsConfig changed = original.withAlpn(List.of("h2"))
                .withEngine(TlsEngine.OPENSSL)
                .withServerName(" example.com ")
                .withSystemTrust(false)
                .withTrustedCertificates(List.of(CA.certificate()));
        assertAll(
                () -> assertEquals(TlsConfig.client(), original),
                () -> assertEquals(List.of("h2"), changed.alpn()),
                () -> assertEquals(TlsEngine.OPENSSL, changed.engine()),
                () -> assertEquals(Optional.of("example.com"), changed.serverName()),
                () -> assertFalse(changed.systemTrust()),
                () -> assertEquals(List.of(CA.certificate()), changed.trustedCertificates()));
    }

    @Test
    void equalConfigsAreEqualAndHashAlike() {
        TlsConfig a = server().withAlpn(List.of("h2")).withClientAuth(List.of(CA.certificate()));
        TlsConfig b = server().withAlpn(List.of("h2")).withClientAuth(List.of(CA.certificate()));
        assertAll(
                () -> assertEquals(a, b),
                () -> assertEquals(a.hashCode(), b.hashCode()),
                () -> assertNotEquals(a, b.withEngine(TlsEngine.OPENSSL)),
                () -> assertNotEquals(a, b.insecure()),
                () -> assertNotEquals(TlsConfig.client(), TlsConfig.selfSigned()));
    }

    @Test
    void trustedCertificatesAddUp(@TempDir Path dir) throws Exception {
        CertificateAuthority other = CertificateAuthority.create("other");
        Path file = Files.writeString(dir.resolve("ca.pem"), Certificates.toPem(other.certificate()));
        TlsConfig config = TlsConfig.client()
                .withTrustedCertificates(List.of(CA.certificate()))
                .withTrustedCertificates(file);
        assertEquals(List.of(CA.certificate(), other.certificate()), config.trustedCertificates());
    }

    @Test
    void pinTakesWhatOpensslPrintsInAnyCaseWithOrWithoutColons() {
        String fingerprint = Certificates.sha256Fingerprint(SERVER.certificate());
        String bare = fingerprint.replace(":", "");
        assertAll(
                () -> assertEquals(
                        Optional.of(bare),
                        TlsConfig.client().withPin(fingerprint).pin()),
                () -> assertEquals(
                        Optional.of(bare),
                        TlsConfig.client().withPin(fingerprint.toLowerCase()).pin()),
                () -> assertEquals(
                        Optional.of(bare),
                        TlsConfig.client()
                                .withPin(" " + bare.toLowerCase() + "\n")
                                .pin()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "abc",
                "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                "000000000000000000000000000000000000000000000000000000000000000",
                "00000000000000000000000000000000000000000000000000000000000000000"
            })
    void pinRejectsWhatIsNotASha256Fingerprint(String text) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TlsConfig.client().withPin(text));
        assertTrue(e.getMessage().contains("is not a SHA-256 fingerprint: expected 64 hex digits"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void rejectsAnEmptyServerName(String name) {
        assertThrows(IllegalArgumentException.class, () -> TlsConfig.client().withServerName(name));
    }

    @Test
    void rejectsAlpnNamesThatDoNotFitTheWireFormat() {
        assertAll(
                () -> assertThrows(
                        IllegalArgumentException.class, () -> TlsConfig.client().withAlpn(List.of(""))),
                () -> assertThrows(
                        IllegalArgumentException.class, () -> TlsConfig.client().withAlpn(List.of("x".repeat(256)))),
                () -> assertThrows(
                        IllegalArgumentException.class, () -> TlsConfig.client().withClientAuth(List.of())));
    }

    @Test
    void fromPemFilesRemembersTheFilesForReloading(@TempDir Path dir) throws Exception {
        Path chain = Files.writeString(dir.resolve("chain.pem"), Certificates.toPem(SERVER.chain()));
        Path key = Files.writeString(dir.resolve("key.pem"), Certificates.toPem(SERVER.key()));
        TlsConfig config = TlsConfig.fromPemFiles(chain, key);
        assertAll(
                () -> assertEquals(Optional.of(chain), config.certificateFile()),
                () -> assertEquals(Optional.of(key), config.keyFile()),
                () -> assertEquals(SERVER.chain(), config.certificateChain()),
                () -> assertEquals(Optional.of(SERVER.key()), config.privateKey()));
    }

    @Test
    void fromPemRejectsAKeyOfAnotherCertificate() {
        String otherKey = Certificates.toPem(CA.issueServer(List.of("x")).key());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TlsConfig.fromPem(Certificates.toPem(SERVER.chain()), otherKey));
        assertEquals("the private key PEM does not belong to the certificate", e.getMessage());
    }

    @Test
    void fromKeyStoreTakesItsOnlyKeyEntry() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", CA.certificate());
        store.setKeyEntry("me", SERVER.key(), "pw".toCharArray(), SERVER.chain().toArray(Certificate[]::new));
        TlsConfig config = TlsConfig.fromKeyStore(store, "pw".toCharArray());
        assertEquals(SERVER.chain(), config.certificateChain());
    }

    @Test
    void fromKeyStoreRefusesNoneOrSeveralKeysAndAWrongPassword() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        KeyStore two = KeyStore.getInstance("PKCS12");
        two.load(null, null);
        two.setKeyEntry("a", SERVER.key(), "pw".toCharArray(), SERVER.chain().toArray(Certificate[]::new));
        two.setKeyEntry("b", SERVER.key(), "pw".toCharArray(), SERVER.chain().toArray(Certificate[]::new));
        KeyStore one = KeyStore.getInstance("JKS");
        one.load(null, null);
        one.setKeyEntry("a", SERVER.key(), "pw".toCharArray(), SERVER.chain().toArray(Certificate[]::new));
        assertAll(
                () -> assertEquals(
                        "no private key entry in the key store; expected exactly one",
                        assertThrows(
                                        IllegalArgumentException.class,
                                        () -> TlsConfig.fromKeyStore(empty, "pw".toCharArray()))
                                .getMessage()),
                () -> assertTrue(assertThrows(
                                IllegalArgumentException.class, () -> TlsConfig.fromKeyStore(two, "pw".toCharArray()))
                        .getMessage()
                        .startsWith("several private key entries")),
                () -> assertTrue(assertThrows(
                                IllegalArgumentException.class,
                                () -> TlsConfig.fromKeyStore(one, "wrong".toCharArray()))
                        .getMessage()
                        .startsWith("cannot read the key store: ")));
    }

    @Test
    void toStringNamesTheCertificateAndTrustButShowsNoKeyMaterial() {
        Issued rsa = CA.issue(
                Usage.SERVER,
                "rsa.example",
                List.of(),
                Instant.now(),
                Instant.now().plusSeconds(60),
                KeyType.RSA);
        TlsConfig config = TlsConfig.fromPem(Certificates.toPem(rsa.chain()), Certificates.toTraditionalPem(rsa.key()))
                .withPin(Certificates.sha256Fingerprint(SERVER.certificate()))
                .withAlpn(List.of("h2"));
        String text = config.toString();
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.key();
        String encodedKey = Base64.getEncoder().encodeToString(key.getEncoded());
        assertAll(
                () -> assertEquals(
                        "TlsConfig[identity=CN=rsa.example sha256="
                                + Certificates.sha256Fingerprint(rsa.certificate()) + ", trust=pin "
                                + Certificates.sha256Fingerprint(SERVER.certificate())
                                + ", alpn=[h2], engine=JDK]",
                        text),
                () -> assertFalse(text.contains(key.getPrivateExponent().toString()), "private exponent"),
                () -> assertFalse(text.contains(key.getPrivateExponent().toString(16)), "private exponent (hex)"),
                () -> assertFalse(text.contains(encodedKey.substring(0, 40)), "encoded key"),
                () -> assertFalse(text.toLowerCase().contains("private"), text));
    }

    @Test
    void toStringOfAClient() {
        assertAll(
                () -> assertEquals(
                        "TlsConfig[identity=none, trust=system + 1 CA, serverName=example.com, engine=OPENSSL]",
                        TlsConfig.client()
                                .withTrustedCertificates(List.of(CA.certificate()))
                                .withServerName("example.com")
                                .withEngine(TlsEngine.OPENSSL)
                                .toString()),
                () -> assertEquals(
                        "TlsConfig[identity=self-signed, trust=system, engine=JDK]",
                        TlsConfig.selfSigned().toString()),
                () -> assertEquals(
                        "TlsConfig[identity=none, trust=insecure, engine=JDK]",
                        TlsConfig.client().insecure().toString()));
    }

    @Test
    void keyEqualityDoesNotDependOnHowTheKeyWasWritten() {
        // A PKCS#8 and a PKCS#1 copy of one RSA key are one identity.
        Issued rsa = CA.issue(
                Usage.SERVER,
                "rsa.example",
                List.of(),
                Instant.now(),
                Instant.now().plusSeconds(60),
                KeyType.RSA);
        BigInteger exponent = ((RSAPrivateCrtKey)
                        TlsConfig.fromPem(Certificates.toPem(rsa.chain()), Certificates.toTraditionalPem(rsa.key()))
                                .privateKey()
                                .orElseThrow())
                .getPrivateExponent();
        assertEquals(((RSAPrivateCrtKey) rsa.key()).getPrivateExponent(), exponent);
    }
}
