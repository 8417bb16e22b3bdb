package dev.socketkit.cli;

/** The exit statuses of every socketkit command, as {@code --help} lists them. */
final class ExitCodes {
    /** Success; a server stopped by SIGINT or SIGTERM also exits 0. */
    static final int OK = 0;
    /**
     * A runtime failure: address in use, permission denied, a socket file in the way, a network error, a failed TLS
     * handshake, a TLS engine that does not load here.
     */
    static final int FAILURE = 1;
    /** A usage error: a bad option, value or endpoint; a certificate, key or CA file that cannot be read. */
    static final int USAGE = 2;
    /** Timed out, or fewer replies came than expected. */
    static final int TIMEOUT = 3;

    static final String HELP = "%nExit status:%n"
            + "  0  success (a server stopped by SIGINT or SIGTERM exits 0)%n"
            + "  1  runtime failure: address in use, permission denied,%n"
            + "     socket file in the way, network error, TLS handshake failed%n"
            + "     (untrusted, expired, wrong name, pin, no shared protocol),%n"
            + "     --tls-engine openssl where it does not load%n"
            + "  2  usage error: unknown option, bad value or endpoint, TLS option%n"
            + "     without --tls, unreadable certificate, key or CA file%n"
            + "  3  timed out, or fewer replies than expected (send)%n";

    private ExitCodes() {}
}
