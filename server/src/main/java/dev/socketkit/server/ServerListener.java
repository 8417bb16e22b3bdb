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
     * server has logged it once at WARN and, for a stream connection, closed that connection. Other connections are
     * unaffected. Only the handler's own failures come here: a blocking handler's exception (an {@code IOException}
     * included), or an event-loop handler's exception other than an {@code IOException}. The socket's errors, such as a
     * reset by the peer, and frames the framing rejects also close the connection and count in {@link
     * ServerStats#failures()}, but are not the handler's and do not come here. {@code peer} is null when an event-loop
     * datagram handler fails, since its exception names no datagram.
     *
     * @param peer the client's address, or null
     * @param failure what the handler threw
     */
    default void handlerFailed(SocketAddress peer, Throwable failure) {}
}
