package dev.socketkit.transport.internal;

import dev.socketkit.transport.internal.Certificates.Issued;
import dev.socketkit.transport.internal.Certificates.KeyType;
import dev.socketkit.transport.internal.Certificates.Usage;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A small certificate authority for tests and local setups: one EC P-256 root that issues server and client
 * certificates with the names and validity chosen, so that a test can make an expired certificate, one for the wrong
 * host or one from a CA the peer does not trust.
 */
public final class CertificateAuthority {
    private final X500Name name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private CertificateAuthority(X500Name name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /**
     * A new root CA, valid from a day ago for ten years.
     *
     * @param commonName the CA's subject common name, e.g. {@code "socketkit test CA"}
     * @return the CA
     */
    public static CertificateAuthority create(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        X500Name name = Certificates.name(commonName);
        KeyPair keys = Certificates.generate(KeyType.EC);
        Instant now = Instant.now();
        X509Certificate certificate = Certificates.build(
                name,
                keys.getPrivate(),
                name,
                keys.getPublic(),
                null,
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)),
                null,
                List.of());
        return new CertificateAuthority(name, keys, certificate);
    }

    /** {@return the CA's own (self-signed) certificate, what a peer puts in its trust store} */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A server certificate with an EC key, valid from a day ago for a year.
     *
     * @param hostsAndIps its DNS and IP subject alternative names; the first is also its common name
     * @return the key and the chain (leaf, then this CA's certificate)
     */
    public Issued issueServer(List<String> hostsAndIps) {
        Instant now = Instant.now();
        return issue(
                Usage.SERVER,
                hostsAndIps.get(0),
                hostsAndIps,
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365)),
                KeyType.EC);
    }

    /**
     * A client certificate with an EC key and no alternative names, valid from a day ago for a year.
     *
     * @param commonName who the client is
     * @return the key and the chain (leaf, then this CA's certificate)
     */
    public Issued issueClient(String commonName) {
        Instant now = Instant.now();
        return issue(
                Usage.CLIENT,
                commonName,
                List.of(),
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365)),
                KeyType.EC);
    }

    /**
     * A leaf certificate with every choice spelled out.
     *
     * @param usage server or client (the extended key usage)
     * @param commonName the subject's common name
     * @param hostsAndIps DNS and IP subject alternative names; may be empty
     * @param notBefore start of validity; in the future for a not-yet-valid certificate
     * @param notAfter end of validity; in the past for an expired certificate
     * @param keyType the leaf's key
     * @return the key and the chain (leaf, then this CA's certificate)
     */
    public Issued issue(
            Usage usage,
            String commonName,
            List<String> hostsAndIps,
            Instant notBefore,
            Instant notAfter,
            KeyType keyType) {
        Objects.requireNonNull(usage, "usage");
        KeyPair leaf = Certificates.generate(keyType);
        X509Certificate issued = Certificates.build(
                name,
                keys.getPrivate(),
                Certificates.name(commonName),
                leaf.getPublic(),
                certificate,
                notBefore,
                notAfter,
                usage,
                List.copyOf(hostsAndIps));
        return new Issued(leaf.getPrivate(), List.of(issued, certificate));
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + name + "]";
    }
}
