package dev.socketkit.cli;

import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s TLS options: {@code --tls}, the certificate and key, client authentication, ALPN, the engine, the
 * handshake timeout.
 */
final class ServerTlsOptions {
    @Option(
            names = "--tls",
            description = "Speak TLS on every connection (any stream endpoint; tls://HOST:PORT says the same). Without"
                    + " --cert and --key a self-signed certificate is made at start; its SHA-256 fingerprint is logged"
                    + " on stderr, for clients to pin.")
    boolean tls;

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "The certificate chain, PEM, leaf first. Re-read with --key when either file changes (checked"
                    + " at most once a second, on new connections); open connections keep theirs.")
    Path cert;

    @Option(
            names = "--key",
            paramLabel = "FILE",
            description = "The certificate's private key, PEM, unencrypted: RSA or EC, PKCS#8 or PKCS#1/SEC1.")
    Path key;

    @Option(
            names = "--client-ca",
            paramLabel = "FILE",
            description = "Mutual TLS: require a client certificate issued by a CA in this PEM file.")
    Path clientCa;

    @Option(
            names = "--alpn",
            paramLabel = "PROTO",
            split = ",",
            description = "ALPN protocols to agree on, most preferred first (e.g. h2,http/1.1).")
    List<String> alpn;

    @Option(
            names = "--tls-engine",
            paramLabel = "ENGINE",
            description = "jdk, openssl or auto (OpenSSL where it loads, else the JDK's). Default: jdk, the one that"
                    + " answers after a TLS 1.3 client's close_notify; Netty's OpenSSL engine (faster) closes both"
                    + " directions on it, as TLS 1.2 does.")
    String engine;

    @Option(
            names = "--tls-handshake-timeout",
            paramLabel = "DURATION",
            description = "Close a connection whose TLS handshake is not complete within this: a peer that connects"
                    + " and sends nothing, part of a hello, or stops mid-handshake (default: 10s; 0 or none: never).")
    String handshakeTimeout;

    /**
     * The endpoint to listen on: a TCP endpoint shown as {@code tls://} when {@code --tls} is given.
     *
     * @throws UsageException if TLS is asked for on a datagram socket
     */
    Endpoint endpoint(Endpoint given) {
        return Options.tlsEndpoint(given, tls);
    }

    /**
     * The server's TLS settings, every file read and every value checked; empty without {@code --tls} or a {@code
     * tls://} endpoint.
     *
     * @param where the endpoint, as {@link #endpoint} returned it
     * @throws UsageException naming the option and what is wrong: a TLS option without TLS, {@code --cert} without
     *     {@code --key}, a file that cannot be read or parsed, an unknown engine
     * @throws IllegalStateException if {@code --tls-engine openssl} does not load on this machine
     */
    Optional<TlsConfig> config(Endpoint where) {
        boolean on = tls || where.isTls();
        String[] names = {"--cert", "--key", "--client-ca", "--alpn", "--tls-engine", "--tls-handshake-timeout"};
        Object[] values = {cert, key, clientCa, alpn, engine, handshakeTimeout};
        Options.requireTls(on, names, values);
        if (!on) {
            return Optional.empty();
        }
        TlsConfig config = cert != null || key != null ? Options.tlsIdentity(cert, key) : TlsConfig.selfSigned();
        if (clientCa != null) {
            try {
                config = config.withClientAuth(clientCa);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--client-ca: " + e.getMessage());
            }
        }
        return Optional.of(Options.tlsCommon(config, alpn, engine, TlsEngine.JDK));
    }

    /**
     * {@code --tls-handshake-timeout}, if given: {@link ServerConfig#NO_TIMEOUT} for {@code 0} or {@code none}. Only
     * after {@link #config}, which refuses it without TLS.
     *
     * @throws UsageException if it is not a duration
     */
    Optional<Duration> handshakeTimeout() {
        return handshakeTimeout == null
                ? Optional.empty()
                : Optional.of(Options.timeout("--tls-handshake-timeout", handshakeTimeout)
                        .orElse(ServerConfig.NO_TIMEOUT));
    }
}
