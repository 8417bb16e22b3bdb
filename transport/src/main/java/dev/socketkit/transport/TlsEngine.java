package dev.socketkit.transport;

/**
 * Which TLS implementation runs the handshakes and the record encryption.
 *
 * <p>Both offer the same protocol versions (TLS 1.3 and 1.2 only) and verify certificates the same way; OpenSSL
 * (BoringSSL, bundled as {@code netty-tcnative-boringssl-static}) loads on Linux and macOS, the JDK's engine runs
 * everywhere and closes half of a connection when asked to.
 */
public enum TlsEngine {
    /**
     * The default: the JDK's engine. Netty's OpenSSL engine has no TLS 1.3 half-close (a close_notify from the peer
     * closes both directions, and answers still to come are lost), which the JDK's engine has; the README's "TLS"
     * section has the figures of both.
     */
    AUTO,
    /** The JDK's own {@code SSLEngine}. */
    JDK,
    /**
     * BoringSSL through Netty's OpenSSL engine; using it where it does not load fails with an
     * {@link IllegalStateException} that says why.
     */
    OPENSSL
}
