package dev.socketkit.server;

import java.net.SocketAddress;

/**
 * Hooks a service can hang on a server's connections, for its own logs, metrics or admission bookkeeping. Every method
 * does nothing by default. They are called on the connection's event loop: keep them short and never block in them.
 */
public interface ServerListener {
    /** A listener that does nothing. */
    ServerListener NONE = new ServerListener() {};

    /**
     * A stream connection from {@code peer} was accepted.
     *
     * @param peer the client's address
     */
    default void connectionOpened(SocketAddress peer) {}

    /**
     * The stream connection from {@code peer} closed, for whatever reason.
     *
     * @param peer the client's address
     */
    default void connectionClosed(SocketAddress peer) {}

    /**
     * A connection's handler (or, on a datagram server, the handling of one datagram) failed with {@code failure}; the
     * server has logged it once and, for a stream connection, closed that connection. Other connections are unaffected.
     * {@code peer} is null when a datagram socket fails outside any one datagram.
     *
     * @param peer the client's address, or null
     * @param failure what the handler threw
     */
    default void handlerFailed(SocketAddress peer, Throwable failure) {}
}
