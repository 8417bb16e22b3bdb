package dev.socketkit.relay;

/** A relay cannot start: its listen endpoint cannot be bound, or its TLS cannot be set up. The message is one line. */
public final class RelayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure, described for a user.
     *
     * @param message one line naming the endpoint and what went wrong
     * @param cause what Netty or the JDK threw; may be null
     */
    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
