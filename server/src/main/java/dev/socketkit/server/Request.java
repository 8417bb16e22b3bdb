package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

/**
 * One connection (stream servers) or one datagram (datagram servers) as a {@link BlockingHandler} sees it. Used only by
 * the thread that runs the handler.
 */
public interface Request {
    /**
     * {@return what the peer sends} The connection's bytes until the peer shuts down its side (then {@code read}
     * returns -1), or the one datagram. A read blocks until data comes; an I/O error on the connection is thrown as an
     * {@link java.io.IOException}.
     */
    InputStream input();

    /**
     * {@return where the answer goes} On a stream server each write is sent at once (one frame in framed modes) and
     * blocks while the peer is not reading; writing to a closed connection throws an {@link java.io.IOException}. On a
     * datagram server the bytes are collected and sent as one datagram after {@link BlockingHandler#finish}.
     */
    OutputStream output();

    /** {@return who sent: the peer's address (for Unix sockets, its path, often empty for a stream client)} */
    SocketAddress peer();

    /** {@return where the server listens} */
    Endpoint endpoint();

    /** {@return whether this request is one datagram rather than a connection} */
    boolean isDatagram();

    /**
     * {@return what the handler stored with {@link #attach}, or null} It keeps state from {@code setup} to {@code
     * finish}.
     */
    Object attachment();

    /**
     * Stores {@code value} for this request's later calls; see {@link #attachment()}.
     *
     * @param value anything, or null; replaces what was stored before
     */
    void attach(Object value);
}
