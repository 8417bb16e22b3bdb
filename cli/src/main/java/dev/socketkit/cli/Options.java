package dev.socketkit.cli;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.internal.Certificates;
import dev.socketkit.transport.internal.Durations;
import dev.socketkit.transport.internal.Sizes;
import dev.socketkit.transport.internal.TlsContexts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns option text into checked values; every failure is a {@link UsageException} naming the option. */
final class Options {
    private Options() {}

    static Endpoint endpoint(String text) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad endpoint: " + e.getMessage());
        }
    }

    /**
     * The address of a control port's HTTP ({@code --health}, {@code --api}): a TCP {@code HOST:PORT}, checked as an
     * endpoint is, without a scheme.
     */
    static InetSocketAddress httpAddress(String option, String text) {
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
        if (endpoint.kind() != SocketKind.TCP || endpoint.isTls() || text.contains("://")) {
            throw new UsageException(option + " takes HOST:PORT, the TCP address for its HTTP, not '" + text + "'");
        }
        return endpoint.inetSocketAddress();
    }

    /** A byte count such as {@code 4096} or {@code 64k}, between {@code min} and {@code max}. */
    static int size(String option, String text, long min, long max) {
        long value;
        try {
            value = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage() + "; give " + min + "-" + max);
        }
        if (value < min || value > max) {
            throw new UsageException(option + ": " + text + " is out of range " + min + "-" + max);
        }
        return (int) value;
    }

    /** A duration such as {@code 500ms}, {@code 2s}, {@code 1m}; a bare number is seconds. Must be positive. */
    static Duration duration(String option, String text) {
        Duration value = parseDuration(option, text, "");
        if (value.isZero()) {
            throw new UsageException(option + ": " + text + " must be more than zero");
        }
        return value;
    }

    /** A duration as {@link #duration} reads it, zero included: a delay that may be none. */
    static Duration delay(String option, String text) {
        return parseDuration(option, text, "; 0 for none");
    }

    /**
     * A timeout that may be switched off: {@code none} or {@code 0} for no limit, otherwise a duration as {@link
     * #duration} reads it. Zero means no limit, as it does for {@code SO_TIMEOUT}, {@code curl --max-time} and every
     * socketkit timeout, so that one spelling works wherever a timeout is taken.
     *
     * @param option the option's name, for messages
     * @param text what the user typed
     * @return the limit; empty for none
     * @throws UsageException naming the option and the text if it is neither none nor a duration
     */
    static Optional<Duration> timeout(String option, String text) {
        if (text.strip().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        Duration value = parseDuration(option, text, "; 0 or none for no limit");
        return value.isZero() ? Optional.empty() : Optional.of(value);
    }

    private static Duration parseDuration(String option, String text, String more) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new UsageException(option + ": " + message.substring(0, message.length() - 1) + more + ")");
        }
    }

    static int count(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + ": " + value + (value < 0 ? " is negative" : " is out of range")
                    + "; give " + min + "-" + max);
        }
        return value;
    }

    /**
     * The endpoint with {@code --tls} applied: a TCP endpoint becomes {@code tls://} (as it is then printed); Unix
     * stream endpoints stay as they are, TLS being asked for in the configuration.
     *
     * @throws UsageException if {@code --tls} is given with a datagram endpoint
     */
    static Endpoint tlsEndpoint(Endpoint given, boolean tls) {
        if (!tls) {
            return given;
        }
        if (given.kind().isDatagram()) {
            throw new UsageException("--tls: " + given.kind().scheme() + " sockets have no TLS (DTLS is not offered);"
                    + " use a stream endpoint: tcp://, tls:// or unix://");
        }
        return given.kind().isUnix() ? given : given.withTls(true);
    }

    /**
     * Refuses the first TLS option given ({@code values[i]} not null) when TLS is off.
     *
     * @throws UsageException naming the option
     */
    static void requireTls(boolean on, String[] names, Object[] values) {
        for (int i = 0; i < names.length && !on; i++) {
            if (values[i] != null && !Boolean.FALSE.equals(values[i])) {
                throw new UsageException(names[i] + " needs --tls or a tls:// endpoint");
            }
        }
    }

    /**
     * The identity in {@code --cert FILE --key FILE}, both read and checked to be a pair.
     *
     * @throws UsageException if one is given without the other, or naming the file that cannot be read or parsed
     */
    static TlsConfig tlsIdentity(Path cert, Path key) {
        if (key == null) {
            throw new UsageException("--cert needs --key FILE, the certificate's private key");
        }
        if (cert == null) {
            throw new UsageException("--key needs --cert FILE, the certificate it belongs to");
        }
        try {
            Certificates.readCertificateFile(cert);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cert: " + e.getMessage());
        }
        try {
            return TlsConfig.fromPemFiles(cert, key);
        } catch (IllegalArgumentException e) {
            // The certificate has been read: what fails now is the key, or the two not being a pair.
            throw new UsageException("--key: " + e.getMessage());
        }
    }

    /**
     * {@code config} with {@code --alpn} (null when not given) and {@code --tls-engine} (or {@code defaultEngine} without
     * it), the options both roles take.
     *
     * @throws UsageException for a protocol name too long or empty, or an unknown engine
     * @throws IllegalStateException if {@code --tls-engine openssl} does not load here: the machine lacks it, as {@code
     *     --io kqueue} on Linux is a runtime failure
     */
    static TlsConfig tlsCommon(TlsConfig config, List<String> alpn, String engine, TlsEngine defaultEngine) {
        if (alpn != null && alpn.isEmpty()) {
            throw new UsageException("--alpn: no protocol given; name one or more, e.g. h2,http/1.1");
        }
        try {
            config = config.withAlpn(alpn == null ? List.of() : alpn);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--alpn: " + e.getMessage());
        }
        if (engine == null) {
            return config.withEngine(defaultEngine);
        }
        TlsEngine choice;
        try {
            choice = TlsEngine.valueOf(engine.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tls-engine: '" + engine + "' is not a TLS engine; use auto, jdk or openssl");
        }
        try {
            TlsContexts.resolve(choice);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--tls-engine " + engine + ": " + e.getMessage(), e);
        }
        return config.withEngine(choice);
    }
}
