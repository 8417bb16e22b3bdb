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
     * As {@link #connectionOpened(SocketAddress)}, with the connection's number (from 1, in the order the server
     * accepted them) and the server's own address of it, for a listener that follows each connection, such as an event
     * log. Called right after the other, once the client is known (on a PROXY-protocol server, once its header is in).
     * A server with a listener other than {@link #NONE} counts each connection's bytes for {@link
     * #connectionClosed(long, long, long, String)}: one more handler in each connection's pipeline.
     *
     * @param number the connection's number, from 1
     * @param peer the client's address
     * @param local the server's address of the connection
     */
    default void connectionOpened(long number, SocketAddress peer, SocketAddress local) {}

    /**
     * A stream connection ended: every one the server accepted, once, including those never opened for the listener
     * (refused over {@link ServerConfig#maxConnections()}, or for a bad PROXY header; they carried 0 bytes).
     *
     * @param number the connection's number, as {@link #connectionOpened(long, SocketAddress, SocketAddress)} gave it
     * @param bytesIn bytes read from the client (decrypted, without a PROXY header)
     * @param bytesOut bytes written to the client, as the server's stats count them
     * @param end how it ended: {@code closed} (in order, by either side), {@code reset} (by the peer), {@code failed}
     *     (another I/O error, a bad frame, a handler's failure), {@code refused} (over the connection limit), {@code
     *     idle_timeout}, {@code frame_timeout}, {@code write_timeout}, {@code tls_failure}, {@code proxy_header}, or
     *     {@code stopped} (closed as the server stopped)
     */
    default void connectionClosed(long number, long bytesIn, long bytesOut, String end) {}

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
