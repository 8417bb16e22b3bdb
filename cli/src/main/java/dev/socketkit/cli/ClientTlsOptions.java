package dev.socketkit.cli;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Option;

/**
 * The TLS options of the commands that connect ({@code send}, {@code bench}): whom to trust, the name to ask for, a
 * client certificate, ALPN, the engine.
 */
final class ClientTlsOptions {
    @Option(
            names = "--tls",
            description = "Speak TLS (any stream endpoint; tls://HOST:PORT says the same). The server's certificate"
                    + " must lead to a CA in the system's trust store or --ca, be valid now and name the host.")
    boolean tls;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            description = "Also trust the CA (or self-signed) certificates in this PEM file.")
    Path ca;

    @Option(
            names = "--pin",
            paramLabel = "SHA256",
            description = "Accept exactly the server certificate with this SHA-256 fingerprint (64 hex digits, colons"
                    + " allowed, as openssl x509 -fingerprint -sha256 or serve --tls prints it), whoever issued it.")
    String pin;

    @Option(
            names = "--insecure",
            description = "Check nothing about the server's certificate (one warning line): for tests only.")
    boolean insecure;

    @Option(
            names = "--servername",
            paramLabel = "NAME",
            description = "The name to send (SNI) and to find in the server's certificate (default: the endpoint's"
                    + " host; localhost for unix://).")
    String serverName;

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "A client certificate chain, PEM, for servers that ask for one (mutual TLS); with --key.")
    Path cert;

    @Option(
            names = "--key",
            paramLabel = "FILE",
            description = "The client certificate's private key, PEM, unencrypted: RSA or EC, PKCS#8 or PKCS#1/SEC1.")
    Path key;

    @Option(
            names = "--alpn",
            paramLabel = "PROTO",
            split = ",",
            description = "ALPN protocols to offer, most preferred first; the server must choose one.")
    List<String> alpn;

    @Option(
            names = "--tls-engine",
            paramLabel = "ENGINE",
            description = "jdk, openssl or auto (OpenSSL where it loads, else the JDK's). Default: send jdk, which"
                    + " reads the answers after its own close_notify (Netty's OpenSSL engine can lose them); bench"
                    + " auto.")
    String engine;

    /**
     * The endpoint to connect to: a TCP endpoint shown as {@code tls://} when {@code --tls} is given, so that every
     * line names it so.
     *
     * @throws UsageException if TLS is asked for on a datagram socket
     */
    Endpoint endpoint(Endpoint given) {
        return Options.tlsEndpoint(given, tls);
    }

    /**
     * The client's TLS settings, every file read and every value checked; empty without {@code --tls} or a {@code
     * tls://} endpoint.
     *
     * @param where the endpoint, as {@link #endpoint} returned it
     * @param defaultEngine the engine without {@code --tls-engine}
     * @throws UsageException naming the option and what is wrong: a TLS option without TLS, options that contradict
     *     each other, a file that cannot be read or parsed, a malformed pin, an unknown engine
     * @throws IllegalStateException if {@code --tls-engine openssl} does not load on this machine
     */
    Optional<TlsConfig> config(Endpoint where, TlsEngine defaultEngine) {
        boolean on = tls || where.isTls();
        String[] names = {"--ca", "--pin", "--insecure", "--servername", "--cert", "--key", "--alpn", "--tls-engine"};
        Object[] values = {ca, pin, insecure, serverName, cert, key, alpn, engine};
        Options.requireTls(on, names, values);
        if (!on) {
            return Optional.empty();
        }
        TlsConfig config = cert != null || key != null ? Options.tlsIdentity(cert, key) : TlsConfig.client();
        config = trust(config, "--", ca, pin, insecure);
        if (serverName != null) {
            if (serverName.isBlank()) {
                throw new UsageException("--servername: empty; give a host name");
            }
            config = config.withServerName(serverName);
        }
        return Optional.of(Options.tlsCommon(config, alpn, engine, defaultEngine));
    }

    /**
     * {@code config} trusting as the options say: the CA file, the pin, or nothing checked; the trust options of {@code
     * send} and {@code bench}, and of {@code relay}'s target ({@code --target-ca} ...).
     *
     * @param prefix how the options begin: {@code --} or {@code --target-}
     * @throws UsageException if the options contradict each other, or naming the file or pin that is wrong
     */
    static TlsConfig trust(TlsConfig config, String prefix, Path ca, String pin, boolean insecure) {
        if (insecure && (pin != null || ca != null)) {
            throw new UsageException(prefix + "insecure checks no certificate, so " + prefix
                    + (pin != null ? "pin" : "ca") + " would be ignored; give one of them");
        }
        if (pin != null && ca != null) {
            throw new UsageException(prefix + "pin accepts one certificate whoever issued it, so " + prefix
                    + "ca would be ignored; give one of them");
        }
        if (ca != null) {
            try {
                config = config.withTrustedCertificates(ca);
            } catch (IllegalArgumentException e) {
                throw new UsageException(prefix + "ca: " + e.getMessage());
            }
        }
        if (pin != null) {
            try {
                config = config.withPin(pin);
            } catch (IllegalArgumentException e) {
                throw new UsageException(prefix + "pin: " + e.getMessage());
            }
        }
        return insecure ? config.insecure() : config;
    }

    /** Says once, on stderr, that {@code --insecure} checks nothing; after every value was checked. */
    static void warnIfInsecure(Optional<TlsConfig> config) {
        if (config.isPresent() && config.get().isInsecure()) {
            LogManager.getLogger(ClientTlsOptions.class)
                    .warn("--insecure: the server's certificate is not checked; anyone on the path can read and change"
                            + " this connection");
        }
    }
}
