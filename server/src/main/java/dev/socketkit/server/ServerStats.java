package dev.socketkit.server;

/**
 * A snapshot of a running server's counters, from {@link Server#stats()}. Totals count from the server's start. Bytes
 * are counted on the socket (frame prefixes and terminators included); frames as the framing cuts them (for datagram
 * servers, datagrams).
 *
 * @param openConnections stream connections open now
 * @param acceptedConnections stream connections accepted in total
 * @param bytesIn bytes read from sockets
 * @param bytesOut bytes written to sockets
 * @param framesIn frames (datagrams) read
 * @param framesOut frames (datagrams) written
 * @param droppedDatagrams datagrams not answered: from an unbound Unix socket that cannot be answered, or refused
 *     while too many were already waiting for a blocking handler
 * @param failures connections closed, or datagrams given up, because their handler or the socket failed or the peer
 *     sent a frame the framing rejects; the handler's failures among them also reach {@link
 *     ServerListener#handlerFailed}
 */
public record ServerStats(
        long openConnections,
        long acceptedConnections,
        long bytesIn,
        long bytesOut,
        long framesIn,
        long framesOut,
        long droppedDatagrams,
        long failures) {}
