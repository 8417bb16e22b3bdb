package dev.socketkit.transport.internal;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * X.509 certificates and keys: reading and writing PEM, making self-signed certificates, and the SHA-256 fingerprint
 * users compare. All ASN.1 goes through Bouncy Castle's builders and parser; the JDK's own providers do the crypto,
 * and no provider is registered globally.
 */
public final class Certificates {
    /** What a leaf certificate is for: its extended key usage. */
    public enum Usage {
        /** TLS server authentication (EKU {@code serverAuth}). */
        SERVER,
        /** TLS client authentication (EKU {@code clientAuth}), for mutual TLS. */
        CLIENT
    }

    /** The kind of key pair to generate. */
    public enum KeyType {
        /** ECDSA on NIST P-256: small and fast, what {@link #selfSigned} uses. */
        EC,
        /** RSA, 2048 bits: for testing the PKCS#1 key format and RSA-only peers. */
        RSA
    }

    /**
     * A private key with its certificate chain.
     *
     * @param key the private key of the first certificate in the chain
     * @param chain the leaf certificate first, then any intermediates; never empty
     */
    public record Issued(PrivateKey key, List<X509Certificate> chain) {
        /**
         * Checks the parts and copies the chain.
         *
         * @param key the private key of the first certificate in the chain
         * @param chain the leaf certificate first, then any intermediates; never empty
         */
        public Issued {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("empty certificate chain");
            }
        }

        /** Names the leaf's subject; never the key, whose own {@code toString} may print its private parts. */
        @Override
        public String toString() {
            return "Issued[" + certificate().getSubjectX500Principal().getName() + ", chain of " + chain.size() + "]";
        }

        /** {@return the leaf certificate, the first of the chain} */
        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {}

    /**
     * A self-signed server certificate: an EC P-256 key, valid from a day ago (so a peer whose clock is slightly
     * behind still accepts it) for one year.
     *
     * @param hostsAndIps the names it is for, as DNS or IP subject alternative names; the first is also the subject's
     *     common name; at least one
     * @return the key and the one-certificate chain
     */
    public static Issued selfSigned(List<String> hostsAndIps) {
        if (hostsAndIps.isEmpty()) {
            throw new IllegalArgumentException("a self-signed certificate needs at least one host name or address");
        }
        KeyPair pair = generate(KeyType.EC);
        Instant now = Instant.now();
        X500Name subject = name(hostsAndIps.get(0));
        X509Certificate certificate = build(
                subject,
                pair.getPrivate(),
                subject,
                pair.getPublic(),
                null,
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365)),
                Usage.SERVER,
                hostsAndIps);
        return new Issued(pair.getPrivate(), List.of(certificate));
    }

    /**
     * A new key pair.
     *
     * @param type EC P-256 or RSA 2048
     * @return the key pair
     */
    static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator generator;
            if (type == KeyType.EC) {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + type + " keys", e);
        }
    }

    /** A subject or issuer name with only a common name. */
    static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    /**
     * Signs a certificate. {@code issuerCertificate} null means a self-signed leaf; {@code usage} null means a CA.
     */
    static X509Certificate build(
            X500Name issuer,
            PrivateKey issuerKey,
            X500Name subject,
            PublicKey subjectKey,
            X509Certificate issuerCertificate,
            Instant notBefore,
            Instant notAfter,
            Usage usage,
            List<String> hostsAndIps) {
        try {
            // A positive 127-bit serial: unique enough, and RFC 5280 allows at most 20 octets.
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer, serial, Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
            if (issuerCertificate != null) {
                builder.addExtension(
                        Extension.authorityKeyIdentifier,
                        false,
                        extensions.createAuthorityKeyIdentifier(issuerCertificate));
            }
            if (usage == null) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                // RSA key exchange (TLS 1.2's RSA suites) needs keyEncipherment; ECDSA keys only sign.
                int keyUsage = KeyUsage.digitalSignature
                        | ("RSA".equals(subjectKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                KeyPurposeId purpose =
                        usage == Usage.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth;
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (!hostsAndIps.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostsAndIps));
            }
            String algorithm = "RSA".equals(issuerKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate for " + subject, e);
        }
    }

    private static GeneralNames alternativeNames(List<String> hostsAndIps) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hostsAndIps) {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            boolean ip = NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare);
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, bare));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /**
     * The SHA-256 fingerprint of a certificate's DER encoding, as {@code openssl x509 -fingerprint -sha256} prints it:
     * upper-case hex pairs joined by colons, so that a user can compare the two by eye.
     *
     * @param certificate the certificate
     * @return e.g. {@code 3A:5F:...:C0} (95 characters)
     */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * Puts colons between the hex pairs of a fingerprint given without them.
     *
     * @param hex an even number of hex digits
     * @return the digits, upper case, in pairs joined by colons
     */
    public static String formatFingerprint(String hex) {
        return HexFormat.ofDelimiter(":")
                .withUpperCase()
                .formatHex(HexFormat.of().parseHex(hex));
    }

    /**
     * The certificates in PEM text, in order.
     *
     * @param pem one or more {@code BEGIN CERTIFICATE} blocks; other blocks are skipped
     * @param source what to call the text in an error: a file name, or "the certificate PEM"
     * @return the certificates, at least one
     * @throws IllegalArgumentException naming {@code source} if the text holds no certificate or a broken one
     */
    public static List<X509Certificate> readCertificates(String pem, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read certificates from " + source + ": " + message(e), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate (BEGIN CERTIFICATE) in " + source);
        }
        return List.copyOf(certificates);
    }

    /**
     * The private key in PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
     * ({@code BEGIN EC PRIVATE KEY}); an {@code EC PARAMETERS} block before the key is skipped.
     *
     * @param pem the text
     * @param source what to call the text in an error
     * @return the first private key in it
     * @throws IllegalArgumentException naming {@code source} if the text holds no key, an encrypted one, or a broken
     *     one
     */
    public static PrivateKey readPrivateKey(String pem, String source) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    // Not getKeyPair: SEC1 makes the public key optional, and BC's pair conversion fails without it.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException("the private key in " + source
                            + " is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage().contains(source)) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("cannot read the private key in " + source + ": " + message(e), e);
        }
        throw new IllegalArgumentException(
                "no private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC " + "PRIVATE KEY) in " + source);
    }

    /**
     * Reads a PEM certificate chain and its private key from two files (they may be the same file), and checks that
     * the key belongs to the first certificate.
     *
     * @param chainFile the leaf certificate first, then any intermediates
     * @param keyFile the leaf's private key, unencrypted, in any form {@link #readPrivateKey} reads
     * @return the key and chain
     * @throws IllegalArgumentException naming the file that cannot be read, holds no certificate or key, or whose key
     *     does not belong to the certificate
     */
    public static Issued readPemFiles(Path chainFile, Path keyFile) {
        List<X509Certificate> chain = readCertificates(readFile(chainFile, "certificate"), chainFile.toString());
        PrivateKey key = readPrivateKey(readFile(keyFile, "private key"), keyFile.toString());
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException(
                    "the private key in " + keyFile + " does not belong to the certificate in " + chainFile + " ("
                            + chain.get(0).getSubjectX500Principal().getName() + ")");
        }
        return new Issued(key, chain);
    }

    /**
     * Reads a PEM file of certificates, such as a CA bundle.
     *
     * @param file the file
     * @return its certificates, at least one
     * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
     */
    public static List<X509Certificate> readCertificateFile(Path file) {
        return readCertificates(readFile(file, "certificate"), file.toString());
    }

    private static String readFile(Path file, String what) {
        try {
            // PEM is ASCII; ISO-8859-1 maps every byte, so a stray byte shows up as a parse error naming the file.
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such " + what + " file: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + message(e), e);
        }
    }

    /**
     * Checks that {@code key} belongs to {@code certificate}, by signing with the one and verifying with the other:
     * this is what catches a certificate and key written out of step.
     *
     * @param key the private key
     * @param certificate the leaf certificate
     * @return whether they are a pair
     */
    public static boolean matches(PrivateKey key, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "EdDSA", "Ed25519" -> "Ed25519";
                    default -> null;
                };
        if (algorithm == null) {
            // Unknown key type: let the TLS engine be the judge.
            return true;
        }
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * A certificate in PEM.
     *
     * @param certificate the certificate
     * @return a {@code BEGIN CERTIFICATE} block ending in a newline
     */
    public static String toPem(X509Certificate certificate) {
        return toPem(List.of(certificate));
    }

    /**
     * A certificate chain in PEM, in order.
     *
     * @param chain the certificates
     * @return one {@code BEGIN CERTIFICATE} block per certificate
     */
    public static String toPem(List<X509Certificate> chain) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * A private key in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), unencrypted: the form every TLS library reads.
     *
     * @param key the key
     * @return the PEM block
     */
    public static String toPem(PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (PEMException e) {
            throw new IllegalArgumentException("cannot encode a " + key.getAlgorithm() + " key", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * A private key in the traditional OpenSSL form: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) for RSA, SEC1 ({@code BEGIN
     * EC PRIVATE KEY}) for EC. Older tools still write these.
     *
     * @param key an RSA or EC key
     * @return the PEM block
     */
    public static String toTraditionalPem(PrivateKey key) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        PemObject pem;
        try {
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                // Written by hand from BC's ASN.1 type: BC's PEM writer leaves out the curve for a JDK key, and a SEC1
                // key without its curve is one that OpenSSL (and BC itself) cannot read back.
                ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                ECPrivateKey full = new ECPrivateKey(
                        ec.getParams().getOrder().bitLength(),
                        inner.getKey(),
                        inner.getPublicKey(),
                        info.getPrivateKeyAlgorithm().getParameters());
                pem = new PemObject("EC PRIVATE KEY", full.getEncoded());
            } else if ("RSA".equals(key.getAlgorithm())) {
                pem = new PemObject(
                        "RSA PRIVATE KEY",
                        info.parsePrivateKey().toASN1Primitive().getEncoded());
            } else {
                throw new IllegalArgumentException(key.getAlgorithm() + " keys have no traditional PEM form");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
