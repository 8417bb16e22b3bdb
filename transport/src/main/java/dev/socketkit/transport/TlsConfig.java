package dev.socketkit.transport;

import dev.socketkit.transport.internal.Certificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How one side of a connection speaks TLS: its own certificate (if any), whom it trusts, and the engine. One class
 * serves both roles; a server needs an identity, a client usually has none.
 *
 * <p>Only TLS 1.3 and TLS 1.2 are ever enabled, on both engines: a peer that offers nothing newer than TLS 1.1 is
 * refused.
 *
 * <h2>Identity</h2>
 *
 * The certificate chain and private key this side presents. Servers must have one: {@link #fromPemFiles}, {@link
 * #fromPem}, {@link #fromKeyStore}, or {@link #selfSigned()}, which makes the server generate a fresh self-signed
 * certificate when it starts. A client with an identity presents it when the server asks (mutual TLS); {@link
 * #client()} has none.
 *
 * <h2>Trust</h2>
 *
 * How the client checks the server's certificate, in order of precedence:
 *
 * <ol>
 *   <li>{@link #insecure()}: no check at all (for tests against a server whose certificate you do not care about);
 *   <li>{@link #withPin}: accept exactly the one certificate whose SHA-256 fingerprint is given, whoever signed it and
 *       whatever names it carries;
 *   <li>otherwise (the default) the chain must lead to a trusted CA, it must be valid now, and it must name the server:
 *       the trusted CAs are the JDK's default trust store ({@link #withSystemTrust}, on by default) plus any {@link
 *       #withTrustedCertificates}; the name checked is {@link #withServerName}, by default the host of the endpoint
 *       connected to (an IP address is checked against the certificate's IP address entries).
 * </ol>
 *
 * On a server, {@link #withClientAuth} requires every client to present a certificate signed by one of the given CAs;
 * without it the server asks for none. The server ignores the other trust settings.
 *
 * <p>Instances are immutable: every {@code with} method returns a changed copy. {@link #toString()} names files,
 * subjects and fingerprints, never key material.
 */
public final class TlsConfig {
    private final Certificates.Issued identity;
    private final Path chainFile;
    private final Path keyFile;
    private final boolean selfSigned;
    private final boolean systemTrust;
    private final List<X509Certificate> trusted;
    private final String pin;
    private final boolean insecure;
    private final String serverName;
    private final List<X509Certificate> clientAuth;
    private final List<String> alpn;
    private final TlsEngine engine;

    private TlsConfig(Draft draft) {
        this.identity = draft.identity;
        this.chainFile = draft.chainFile;
        this.keyFile = draft.keyFile;
        this.selfSigned = draft.selfSigned;
        this.systemTrust = draft.systemTrust;
        this.trusted = draft.trusted;
        this.pin = draft.pin;
        this.insecure = draft.insecure;
        this.serverName = draft.serverName;
        this.clientAuth = draft.clientAuth;
        this.alpn = draft.alpn;
        this.engine = draft.engine;
    }

    private static TlsConfig of(Certificates.Issued identity, Path chainFile, Path keyFile, boolean selfSigned) {
        Draft draft = new Draft();
        draft.identity = identity;
        draft.chainFile = chainFile;
        draft.keyFile = keyFile;
        draft.selfSigned = selfSigned;
        draft.systemTrust = true;
        draft.trusted = List.of();
        draft.clientAuth = List.of();
        draft.alpn = List.of();
        draft.engine = TlsEngine.JDK;
        return new TlsConfig(draft);
    }

    /**
     * A config with no certificate of its own, as most clients use: system trust, host-name verification, {@link
     * TlsEngine#JDK}.
     *
     * @return the config
     */
    public static TlsConfig client() {
        return of(null, null, null, false);
    }

    /**
     * An identity the server makes itself when it starts: a new EC P-256 key and a self-signed certificate for {@code
     * localhost}, {@code 127.0.0.1}, {@code ::1} and the address it binds, valid for a year. Clients must pin it or
     * trust it explicitly; the server reports its fingerprint.
     *
     * @return the config
     */
    public static TlsConfig selfSigned() {
        return of(null, null, null, true);
    }

    /**
     * An identity read from PEM files now, and re-read by a server when the files change (see the server's
     * documentation), so that a renewed certificate takes effect without a restart.
     *
     * @param chainFile the certificate chain: the leaf first, then any intermediates
     * @param keyFile the leaf's unencrypted private key, RSA or EC, in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
     *     ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form; may be the same file
     * @return the config
     * @throws IllegalArgumentException naming the file that cannot be read, holds no certificate or key, or whose key
     *     does not belong to the certificate
     */
    public static TlsConfig fromPemFiles(Path chainFile, Path keyFile) {
        Objects.requireNonNull(chainFile, "chainFile");
        Objects.requireNonNull(keyFile, "keyFile");
        return of(Certificates.readPemFiles(chainFile, keyFile), chainFile, keyFile, false);
    }

    /**
     * An identity from PEM text, for certificates kept in configuration or secrets rather than files.
     *
     * @param chainPem the certificate chain, leaf first
     * @param keyPem the leaf's unencrypted private key in any form {@link #fromPemFiles} reads
     * @return the config
     * @throws IllegalArgumentException if the text holds no certificate or key, or the key does not belong to the
     *     certificate
     */
    public static TlsConfig fromPem(String chainPem, String keyPem) {
        List<X509Certificate> chain = Certificates.readCertificates(chainPem, "the certificate PEM");
        PrivateKey key = Certificates.readPrivateKey(keyPem, "the private key PEM");
        return of(checked(key, chain, "the private key PEM does not belong to the certificate"), null, null, false);
    }

    /**
     * An identity from a key store (PKCS#12 or JKS) that holds exactly one private key entry.
     *
     * @param keyStore a loaded key store
     * @param password the key entry's password (for PKCS#12 usually the store's)
     * @return the config
     * @throws IllegalArgumentException if the store holds no private key, several, or the password is wrong
     */
    public static TlsConfig fromKeyStore(KeyStore keyStore, char[] password) {
        Objects.requireNonNull(keyStore, "keyStore");
        try {
            List<String> aliases = new ArrayList<>();
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias) && keyStore.getCertificateChain(alias) != null) {
                    aliases.add(alias);
                }
            }
            if (aliases.size() != 1) {
                throw new IllegalArgumentException(
                        (aliases.isEmpty() ? "no private key entry" : "several private key entries " + aliases)
                                + " in the key store; expected exactly one");
            }
            Key key = keyStore.getKey(aliases.get(0), password);
            if (!(key instanceof PrivateKey privateKey)) {
                throw new IllegalArgumentException("key store entry '" + aliases.get(0) + "' is not a private key");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : keyStore.getCertificateChain(aliases.get(0))) {
                chain.add((X509Certificate) certificate);
            }
            return of(
                    checked(privateKey, chain, "key store entry '" + aliases.get(0) + "' is inconsistent"),
                    null,
                    null,
                    false);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the key store: " + e.getMessage(), e);
        }
    }

    private static Certificates.Issued checked(PrivateKey key, List<X509Certificate> chain, String mismatch) {
        if (!Certificates.matches(key, chain.get(0))) {
            throw new IllegalArgumentException(mismatch);
        }
        return new Certificates.Issued(key, chain);
    }

    /**
     * Whether to trust the CAs of the JDK's default trust store ({@code cacerts}, or what {@code
     * javax.net.ssl.trustStore} names). On by default; turn it off to trust only {@link #withTrustedCertificates}.
     *
     * @param on whether to trust them
     * @return the changed copy
     */
    public TlsConfig withSystemTrust(boolean on) {
        return edit(draft -> draft.systemTrust = on);
    }

    /**
     * Also trusts the CA (or self-signed) certificates in a PEM file, the {@code --ca FILE} of the command line; they
     * add to any given before.
     *
     * @param pemFile one or more {@code BEGIN CERTIFICATE} blocks, read now
     * @return the changed copy
     * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
     */
    public TlsConfig withTrustedCertificates(Path pemFile) {
        return withTrustedCertificates(Certificates.readCertificateFile(pemFile));
    }

    /**
     * Also trusts these CA (or self-signed) certificates; they add to any given before.
     *
     * @param certificates the certificates
     * @return the changed copy
     */
    public TlsConfig withTrustedCertificates(List<X509Certificate> certificates) {
        List<X509Certificate> all = new ArrayList<>(trusted);
        all.addAll(certificates);
        return edit(draft -> draft.trusted = List.copyOf(all));
    }

    /**
     * Accepts exactly one server certificate, the one with this SHA-256 fingerprint (of its DER encoding), and no
     * other; neither its issuer, its validity dates nor its names are checked. For self-signed servers.
     *
     * @param sha256 64 hex digits, colons allowed, any case: what {@code openssl x509 -noout -fingerprint -sha256}
     *     prints or the server logs
     * @return the changed copy
     * @throws IllegalArgumentException if the text is not a SHA-256 fingerprint
     */
    public TlsConfig withPin(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        String hex = sha256.strip().replace(":", "").toUpperCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 fingerprint: expected 64 hex digits, "
                    + "colons allowed, as openssl x509 -noout -fingerprint -sha256 prints");
        }
        return edit(draft -> draft.pin = hex);
    }

    /**
     * Turns off every check of the server's certificate: any certificate is accepted, and the connection can be read
     * by anyone who can intercept it. For tests only.
     *
     * @return the changed copy
     */
    public TlsConfig insecure() {
        return edit(draft -> draft.insecure = true);
    }

    /**
     * The name to ask for (SNI) and to check the server's certificate against, instead of the endpoint's host: for
     * connecting to an address whose certificate carries a host name. SNI carries host names with a dot only, so an IP
     * address (checked against the certificate's IP entries) or a single-label name such as {@code localhost} is
     * checked but not sent. When pinned or insecure, the name is only sent, not checked.
     *
     * @param name a host name or IP address
     * @return the changed copy
     */
    public TlsConfig withServerName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("empty server name");
        }
        return edit(draft -> draft.serverName = name.strip());
    }

    /**
     * On a server: requires every client to present a certificate issued by one of these CAs (mutual TLS); a client
     * without one fails the handshake.
     *
     * @param caCertificates the CAs whose clients are let in; at least one
     * @return the changed copy
     */
    public TlsConfig withClientAuth(List<X509Certificate> caCertificates) {
        if (caCertificates.isEmpty()) {
            throw new IllegalArgumentException("client authentication needs at least one CA certificate");
        }
        return edit(draft -> draft.clientAuth = List.copyOf(caCertificates));
    }

    /**
     * On a server: requires client certificates issued by the CAs in a PEM file; see {@link #withClientAuth(List)}.
     *
     * @param caPemFile one or more {@code BEGIN CERTIFICATE} blocks, read now
     * @return the changed copy
     * @throws IllegalArgumentException naming the file if it cannot be read or holds no certificate
     */
    public TlsConfig withClientAuth(Path caPemFile) {
        return withClientAuth(Certificates.readCertificateFile(caPemFile));
    }

    /**
     * The application protocols to negotiate with ALPN, most preferred first (e.g. {@code h2}, {@code http/1.1}).
     * Empty (the default) offers none. A server picks the first of its own that the client also offers, and refuses a
     * client that offers protocols but none of its (on the OpenSSL engine it cannot refuse, and goes on with none); a
     * client fails the connection when the server picks none of its protocols, including a server without ALPN.
     *
     * @param protocols protocol names, 1 to 255 bytes each
     * @return the changed copy
     */
    public TlsConfig withAlpn(List<String> protocols) {
        for (String protocol : protocols) {
            int length = protocol.getBytes(StandardCharsets.UTF_8).length;
            if (length == 0 || length > 255) {
                throw new IllegalArgumentException("ALPN protocol '" + protocol + "' must be 1 to 255 bytes");
            }
        }
        return edit(draft -> draft.alpn = List.copyOf(protocols));
    }

    /**
     * The TLS implementation; {@link TlsEngine#JDK} by default, the one with TLS 1.3's half-close (see {@link
     * TlsEngine}).
     *
     * @param choice the engine
     * @return the changed copy
     */
    public TlsConfig withEngine(TlsEngine choice) {
        Objects.requireNonNull(choice, "choice");
        return edit(draft -> draft.engine = choice);
    }

    /** {@return the private key of this side's identity, if it has one loaded (not for {@link #selfSigned()})} */
    public Optional<PrivateKey> privateKey() {
        return Optional.ofNullable(identity).map(Certificates.Issued::key);
    }

    /** {@return this side's certificate chain, leaf first; empty without an identity and for {@link #selfSigned()}} */
    public List<X509Certificate> certificateChain() {
        return identity == null ? List.of() : identity.chain();
    }

    /** {@return the certificate file, if the identity came from {@link #fromPemFiles}} */
    public Optional<Path> certificateFile() {
        return Optional.ofNullable(chainFile);
    }

    /** {@return the private key file, if the identity came from {@link #fromPemFiles}} */
    public Optional<Path> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    /** {@return whether the server is to generate a self-signed certificate when it starts} */
    public boolean isSelfSigned() {
        return selfSigned;
    }

    /** {@return whether the JDK's default trust store is trusted} */
    public boolean systemTrust() {
        return systemTrust;
    }

    /** {@return the extra trusted CA certificates} */
    public List<X509Certificate> trustedCertificates() {
        return trusted;
    }

    /** {@return the pinned SHA-256 fingerprint as 64 upper-case hex digits without colons, if any} */
    public Optional<String> pin() {
        return Optional.ofNullable(pin);
    }

    /** {@return whether certificate checks are off} */
    public boolean isInsecure() {
        return insecure;
    }

    /** {@return the name for SNI and host-name verification, if set; otherwise the endpoint's host is used} */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /** {@return the CAs whose client certificates a server requires; empty when it requires none} */
    public List<X509Certificate> clientAuthCertificates() {
        return clientAuth;
    }

    /** {@return the ALPN protocols, most preferred first; empty when none are offered} */
    public List<String> alpn() {
        return alpn;
    }

    /** {@return the chosen engine: {@link TlsEngine#JDK} unless set, possibly {@link TlsEngine#AUTO}} */
    public TlsEngine engine() {
        return engine;
    }

    /** A summary for logs: files, subjects and fingerprints, never key material. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TlsConfig[");
        if (selfSigned) {
            text.append("identity=self-signed");
        } else if (identity != null) {
            X509Certificate leaf = identity.certificate();
            text.append("identity=").append(leaf.getSubjectX500Principal().getName());
            text.append(" sha256=").append(Certificates.sha256Fingerprint(leaf));
            if (chainFile != null) {
                text.append(" from ").append(chainFile).append(" + ").append(keyFile);
            }
        } else {
            text.append("identity=none");
        }
        if (insecure) {
            text.append(", trust=insecure");
        } else if (pin != null) {
            text.append(", trust=pin ").append(Certificates.formatFingerprint(pin));
        } else {
            text.append(", trust=").append(systemTrust ? "system" : "no system CAs");
            if (!trusted.isEmpty()) {
                text.append(" + ").append(trusted.size()).append(trusted.size() == 1 ? " CA" : " CAs");
            }
        }
        if (serverName != null) {
            text.append(", serverName=").append(serverName);
        }
        if (!clientAuth.isEmpty()) {
            text.append(", clientAuth=").append(clientAuth.size()).append(clientAuth.size() == 1 ? " CA" : " CAs");
        }
        if (!alpn.isEmpty()) {
            text.append(", alpn=").append(alpn);
        }
        return text.append(", engine=").append(engine).append(']').toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsConfig that
                && Objects.equals(identity, that.identity)
                && Objects.equals(chainFile, that.chainFile)
                && Objects.equals(keyFile, that.keyFile)
                && selfSigned == that.selfSigned
                && systemTrust == that.systemTrust
                && trusted.equals(that.trusted)
                && Objects.equals(pin, that.pin)
                && insecure == that.insecure
                && Objects.equals(serverName, that.serverName)
                && clientAuth.equals(that.clientAuth)
                && alpn.equals(that.alpn)
                && engine == that.engine;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                identity,
                chainFile,
                keyFile,
                selfSigned,
                systemTrust,
                trusted,
                pin,
                insecure,
                serverName,
                clientAuth,
                alpn,
                engine);
    }

    private TlsConfig edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return new TlsConfig(draft);
    }

    /** The mutable twin a copy is made from; never escapes this class. */
    private static final class Draft {
        Certificates.Issued identity;
        Path chainFile;
        Path keyFile;
        boolean selfSigned;
        boolean systemTrust;
        List<X509Certificate> trusted;
        String pin;
        boolean insecure;
        String serverName;
        List<X509Certificate> clientAuth;
        List<String> alpn;
        TlsEngine engine;

        Draft() {}

        Draft(TlsConfig from) {
            identity = from.identity;
            chainFile = from.chainFile;
            keyFile = from.keyFile;
            selfSigned = from.selfSigned;
            systemTrust = from.systemTrust;
            trusted = from.trusted;
            pin = from.pin;
            insecure = from.insecure;
            serverName = from.serverName;
            clientAuth = from.clientAuth;
            alpn = from.alpn;
            engine = from.engine;
        }
    }
}
