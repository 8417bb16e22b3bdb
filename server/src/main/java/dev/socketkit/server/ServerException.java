package dev.socketkit.server;

/**
 * A server could not start: the address is in use, permission was denied, a socket file is in the way. The message is
 * one line that names the address and the cause, fit to show a user as it is.
 */
public final class ServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with a user-facing message and the exception behind it.
     *
     * @param message one line that names the address and the cause
     * @param cause the exception behind it, or null
     */
    public ServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
