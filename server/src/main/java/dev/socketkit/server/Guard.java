package dev.socketkit.server;

import java.util.Locale;

/**
 * Each protection a server applies against peers that stall, flood, forge or overload it; {@link ServerStats#count}
 * says how often each one acted. The stream guards close or refuse one connection; the datagram guards drop one
 * datagram, or the answer to it. Every action is counted, and logged at WARN at most once a second per guard, with
 * the number of lines left out since the last one.
 */
public enum Guard {
    /** A stream connection was closed at once because {@link ServerConfig#maxConnections()} were open. */
    CONNECTION_LIMIT("connections refused by the limit"),
    /** A stream connection read and wrote nothing for {@link ServerConfig#idleTimeout()}. */
    IDLE_TIMEOUT("idle timeouts"),
    /** A frame that had begun was not complete within {@link ServerConfig#frameTimeout()}. */
    FRAME_TIMEOUT("frame timeouts"),
    /** A peer kept the connection unable to take writes for {@link ServerConfig#writeTimeout()}. */
    WRITE_TIMEOUT("write timeouts"),
    /** Accepting failed, most often for want of file descriptors; accepting paused for a second. */
    ACCEPT_FAILED("failed accepts"),
    /**
     * A TLS connection failed: its handshake was refused (no shared version or cipher, a client certificate missing or
     * untrusted, not TLS at all) or was not complete within {@link ServerConfig#tlsHandshakeTimeout()}, or a record did
     * not decrypt.
     */
    TLS_FAILURE("TLS failures"),
    /**
     * A connection to a server that takes the PROXY protocol ({@link ServerConfig#proxyProtocol()}) did not begin with a
     * valid PROXY header within {@link ServerConfig#proxyHeaderTimeout()}: it sent none, something else, a malformed or
     * oversized one, or ended within it.
     */
    PROXY_HEADER("connections closed for a missing or bad PROXY header"),
    /**
     * A datagram from a source that answers everything (ports 0, 7, 9, 13, 17, 19, 37), from the server's own socket,
     * or from a broadcast, multicast or wildcard address: answering could start a loop between two servers.
     */
    DATAGRAM_LOOP("datagrams dropped by the loop guard"),
    /** A datagram over its source's budget, {@link ServerConfig#datagramRate()}. */
    DATAGRAM_RATE("datagrams dropped by the rate limit"),
    /** An answer that would send a source more than three times the bytes it sent. */
    DATAGRAM_AMPLIFICATION("answers dropped by the amplification limit"),
    /** An answer larger than the largest datagram the socket can send. */
    DATAGRAM_TOO_LARGE("answers too large for a datagram"),
    /**
     * An answer dropped because it could not go at once: the socket's send buffer was full, or a Unix datagram peer's
     * queue was (a peer that does not read loses its own answers, and holds up no one else's).
     */
    DATAGRAM_SOCKET_FULL("answers dropped on a full socket"),
    /** A datagram from a Unix socket that bound no path, so nothing can answer it. */
    DATAGRAM_UNBOUND("datagrams from unbound senders"),
    /** A datagram dropped because too many were already waiting for a blocking handler. */
    DATAGRAM_OVERLOAD("datagrams dropped while the handlers were busy");

    private final String description;

    Guard(String description) {
        this.description = description;
    }

    /** {@return whether this guard drops datagrams (or answers to them) rather than closing connections} */
    public boolean isDatagramGuard() {
        return name().startsWith("DATAGRAM_");
    }

    /** {@return the lower-case name with dashes, as a meter tag: {@code idle-timeout}} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@return what the count means, in words: {@code idle timeouts}} */
    public String description() {
        return description;
    }
}
