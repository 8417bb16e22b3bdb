package dev.socketkit.server;

import java.util.Locale;

/** What a server does with what it reads: the three servers of the Python socket tutorial. */
public enum ServerKind {
    /** Sends back exactly the frames it reads (the {@code SocketServer} echo server). */
    ECHO,
    /**
     * Greets each connection, then answers every frame with a prefix and the frame; closes when the peer stops sending
     * (the threaded welcome server). Datagram sockets have no connection, so no greeting.
     */
    WELCOME,
    /** Reads one frame, answers a fixed text and closes (the one-shot server); answers every datagram with the text. */
    REPLY;

    /** The lower-case name, as {@code socketkit serve} takes it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
