package dev.socketkit.transport;

/**
 * Which TLS implementation runs the handshakes and the record encryption.
 *
 * <p>Both offer the same protocol versions (TLS 1.3 and 1.2 only) and verify certificates the same way; OpenSSL
 * (BoringSSL, bundled as {@code netty-tcnative-boringssl-static}) is faster, the JDK's engine runs everywhere.
 */
public enum TlsEngine {
    /** OpenSSL where its native library loads on this machine, else the JDK's engine. The default. */
    AUTO,
    /** The JDK's own {@code SSLEngine}. */
    JDK,
    /**
     * BoringSSL through Netty's OpenSSL engine; using it where it does not load fails with an
     * {@link IllegalStateException} that says why.
     */
    OPENSSL
}
