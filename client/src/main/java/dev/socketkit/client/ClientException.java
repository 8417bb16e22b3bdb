package dev.socketkit.client;

/**
 * A client operation failed: the message names the endpoint and the cause in one line, and {@link #reason()} tells
 * failures apart for exit codes and retries.
 */
public final class ClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a client operation failed. */
    public enum Reason {
        /** Nothing listens at the address (TCP or Unix stream connection refused). */
        REFUSED,
        /** The peer reset the connection. */
        RESET,
        /** A Unix endpoint's socket file does not exist. */
        NO_SUCH_SOCKET,
        /** The host name does not resolve. */
        HOST_NOT_FOUND,
        /** A connect, read or exchange did not finish in time. */
        TIMED_OUT,
        /** The peer closed the connection before the expected data arrived. */
        CLOSED,
        /**
         * The TLS handshake failed: the server's certificate is untrusted, expired or for another name, the pin does
         * not match, the two sides share no version, cipher or ALPN protocol, the server wants a client certificate,
         * or the peer does not speak TLS.
         */
        TLS,
        /** Any other I/O failure. */
        IO
    }

    /** Why the operation failed. */
    private final Reason reason;

    /**
     * A failure for {@code reason}.
     *
     * @param reason why the operation failed
     * @param message one line that names the endpoint and the cause
     * @param cause the exception behind it, or null
     */
    public ClientException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@return why the operation failed} */
    public Reason reason() {
        return reason;
    }
}
