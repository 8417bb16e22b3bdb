package dev.socketkit.transport.internal;

import dev.socketkit.transport.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A server's TLS state: the current {@link SslContext}, and for an identity from PEM files, reloading it when the
 * files change.
 *
 * <p>Certificates are renewed in place (certbot, cert-manager), so the files are looked at again at most once a second,
 * on the next {@link #newHandler} call or whenever {@link #reloadIfChanged()} is called: a change in either file's
 * modification time or size makes the pair be read again. New connections then get the new certificate; connections
 * already open keep theirs. A pair that does not load (half written, key and certificate out of step, not PEM) leaves
 * the current certificate in use and logs one warning naming the file and the cause; the next change is tried again.
 */
public final class ServerTls {
    private static final Logger LOG = LogManager.getLogger(ServerTls.class);
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A context with the identity it presents, swapped as one. */
    private record Current(SslContext context, Certificates.Issued identity) {}

    /** What a file looked like when last read: a change in either means read it again. */
    private record Stamp(long modifiedNanos, long size) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size());
            } catch (IOException e) {
                // Missing for a moment (replaced by rename): differs from every real stamp, so it counts as a change.
                return new Stamp(Long.MIN_VALUE, -1);
            }
        }
    }

    private final TlsConfig config;
    private final LongSupplier nanoTime;
    private final Consumer<String> warnings;
    private final AtomicLong lastCheck;
    private volatile Current current;
    // Guarded by this: the stamps of the files when they were last read, successfully or not.
    private Stamp chainStamp;
    private Stamp keyStamp;

    /** For tests: a clock to move by hand, and a sink that sees each warning as logged. */
    ServerTls(TlsConfig config, String bindHost, LongSupplier nanoTime, Consumer<String> warnings) throws SSLException {
        this.config = Objects.requireNonNull(config, "config");
        this.nanoTime = nanoTime;
        this.warnings = warnings;
        this.lastCheck = new AtomicLong(nanoTime.getAsLong());
        Certificates.Issued identity;
        if (config.isSelfSigned()) {
            identity = Certificates.selfSigned(selfSignedNames(bindHost));
        } else if (config.privateKey().isPresent()) {
            identity = new Certificates.Issued(config.privateKey().get(), config.certificateChain());
        } else {
            throw new IllegalArgumentException("a TLS server needs a certificate: give one with "
                    + "TlsConfig.fromPemFiles, fromPem or fromKeyStore, or use TlsConfig.selfSigned()");
        }
        if (config.certificateFile().isPresent()) {
            // Stamped before any later read: a change after this point is seen by the first check.
            chainStamp = Stamp.of(config.certificateFile().get());
            keyStamp = Stamp.of(config.keyFile().get());
        }
        current = new Current(TlsContexts.forServer(config, identity), identity);
    }

    /**
     * Builds the server's first context; with {@link TlsConfig#selfSigned()}, generates its certificate.
     *
     * @param config the server's config, with an identity
     * @param bindHost the host the server binds, added to a self-signed certificate's names unless it is a wildcard
     *     address; may be null
     * @return the server's TLS state
     * @throws SSLException if the engine refuses the key or certificates
     * @throws IllegalArgumentException if the config has no identity
     * @throws IllegalStateException if the config asks for OpenSSL and it does not load here
     */
    public static ServerTls start(TlsConfig config, String bindHost) throws SSLException {
        return new ServerTls(config, bindHost, System::nanoTime, LOG::warn);
    }

    private static List<String> selfSignedNames(String bindHost) {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        if (bindHost != null && !bindHost.isEmpty() && !isWildcard(bindHost) && !names.contains(bindHost)) {
            names.add(bindHost);
        }
        return names;
    }

    private static boolean isWildcard(String host) {
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null) {
            return false;
        }
        for (byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A handler for one accepted connection, with the current certificate; first checks the files if a second has
     * passed since the last check.
     *
     * @param allocator the channel's allocator
     * @return a new handler, to go first in the pipeline
     */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        long now = nanoTime.getAsLong();
        long last = lastCheck.get();
        if (config.certificateFile().isPresent()
                && now - last >= CHECK_INTERVAL_NANOS
                && lastCheck.compareAndSet(last, now)) {
            reloadIfChanged();
        }
        return current.context().newHandler(allocator);
    }

    /**
     * Reads the certificate and key files again if either changed since last read, and uses them for new connections
     * if they load. Does nothing for an identity not from files.
     *
     * @return whether a new certificate is now in use
     */
    public synchronized boolean reloadIfChanged() {
        if (config.certificateFile().isEmpty()) {
            return false;
        }
        Path chainFile = config.certificateFile().get();
        Path keyFile = config.keyFile().get();
        Stamp chainNow = Stamp.of(chainFile);
        Stamp keyNow = Stamp.of(keyFile);
        if (chainNow.equals(chainStamp) && keyNow.equals(keyStamp)) {
            return false;
        }
        // Recorded before reading, so a pair that fails is tried again only after it changes again (one warning).
        chainStamp = chainNow;
        keyStamp = keyNow;
        Certificates.Issued identity;
        SslContext context;
        try {
            identity = Certificates.readPemFiles(chainFile, keyFile);
            context = TlsContexts.forServer(config, identity);
        } catch (IllegalArgumentException | SSLException e) {
            warnings.accept("keeping the current TLS certificate (" + Certificates.sha256Fingerprint(certificate())
                    + "): cannot reload " + chainFile + " and " + keyFile + ": " + e.getMessage());
            return false;
        }
        current = new Current(context, identity);
        LOG.info("reloaded the TLS certificate from {}: {} sha256 {}", chainFile, subject(), fingerprint());
        return true;
    }

    /** {@return the context new connections get} */
    public SslContext context() {
        return current.context();
    }

    /** {@return the leaf certificate new connections get} */
    public X509Certificate certificate() {
        return current.identity().certificate();
    }

    /** {@return the leaf certificate's SHA-256 fingerprint, as {@link Certificates#sha256Fingerprint} formats it} */
    public String fingerprint() {
        return Certificates.sha256Fingerprint(certificate());
    }

    /** {@return the leaf certificate's subject, in RFC 2253 form such as {@code CN=localhost}} */
    public String subject() {
        return certificate().getSubjectX500Principal().getName();
    }
}
