package dev.socketkit.transport;

/**
 * Which TLS implementation runs the handshakes and the record encryption.
 *
 * <p>Both offer the same protocol versions (TLS 1.3 and 1.2 only) and verify certificates the same way; OpenSSL
 * (BoringSSL, bundled as {@code netty-tcnative-boringssl-static}) loads on Linux and macOS, the JDK's engine runs
 * everywhere and closes half of a connection when asked to.
 */
public enum TlsEngine {
    /** OpenSSL where its native library loads on this machine, else the JDK's engine: for peers that never half-close. */
    AUTO,
    /**
     * The JDK's own {@code SSLEngine}; the default. Netty 4.2.18's OpenSSL engine has no TLS 1.3 half-close: a server's
     * engine closes both directions when the client's close_notify arrives (ReferenceCountedOpenSslEngine.closeAll),
     * so the answers still to come are lost (a reply server's whole reply, the echo of the last bytes), and a client's
     * engine can stop reading once it has sent its own. The JDK's engine keeps the other direction open, as TLS 1.3
     * allows, so a close_notify ends the input exactly as a FIN ends it over plain TCP. OpenSSL does about four times
     * the handshakes and seven times the bytes per CPU-second (docs/measurements.md, "TLS, measured").
     */
    JDK,
    /**
     * BoringSSL through Netty's OpenSSL engine; using it where it does not load fails with an
     * {@link IllegalStateException} that says why.
     */
    OPENSSL
}
