package dev.socketkit.server;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a running server's counters, from {@link Server#stats()}. Totals count from the server's start. Bytes
 * are counted on the socket (frame prefixes and terminators included); frames as the framing cuts them (for datagram
 * servers, datagrams).
 *
 * @param openConnections stream connections open now
 * @param acceptedConnections stream connections accepted in total (those refused by the connection limit not among
 *     them)
 * @param bytesIn bytes read from sockets
 * @param bytesOut bytes written to sockets
 * @param framesIn frames (datagrams) read
 * @param framesOut frames (datagrams) written
 * @param droppedDatagrams datagrams, or answers to them, that a {@linkplain Guard#isDatagramGuard() datagram guard}
 *     dropped: the sum of those guards' {@link #count counts}
 * @param failures connections closed, or datagrams given up, because their handler or the socket failed or the peer
 *     sent a frame the framing rejects; the handler's failures among them also reach {@link
 *     ServerListener#handlerFailed}
 * @param guards how often each {@link Guard} acted; every guard is present
 */
public record ServerStats(
        long openConnections,
        long acceptedConnections,
        long bytesIn,
        long bytesOut,
        long framesIn,
        long framesOut,
        long droppedDatagrams,
        long failures,
        Map<Guard, Long> guards) {
    /**
     * Keeps an unmodifiable copy of {@code guards} with every guard in it, a guard missing from it counted 0, so that
     * stats compare equal whatever map they were made from.
     *
     * @param openConnections stream connections open now
     * @param acceptedConnections stream connections accepted in total
     * @param bytesIn bytes read from sockets
     * @param bytesOut bytes written to sockets
     * @param framesIn frames (datagrams) read
     * @param framesOut frames (datagrams) written
     * @param droppedDatagrams datagrams dropped by the datagram guards
     * @param failures connections closed or datagrams given up on a failure
     * @param guards how often each guard acted
     */
    public ServerStats {
        Map<Guard, Long> all = new EnumMap<>(Guard.class);
        for (Guard guard : Guard.values()) {
            all.put(guard, guards.getOrDefault(guard, 0L));
        }
        guards = Collections.unmodifiableMap(all);
    }

    /**
     * Stats in which no guard has acted, as a test compares a server's stats with: {@code new ServerStats(0, 1, 5, 5,
     * 2, 2, 0, 0)}.
     *
     * @param openConnections stream connections open now
     * @param acceptedConnections stream connections accepted in total
     * @param bytesIn bytes read from sockets
     * @param bytesOut bytes written to sockets
     * @param framesIn frames (datagrams) read
     * @param framesOut frames (datagrams) written
     * @param droppedDatagrams datagrams dropped
     * @param failures connections closed or datagrams given up on a failure
     */
    public ServerStats(
            long openConnections,
            long acceptedConnections,
            long bytesIn,
            long bytesOut,
            long framesIn,
            long framesOut,
            long droppedDatagrams,
            long failures) {
        this(
                openConnections,
                acceptedConnections,
                bytesIn,
                bytesOut,
                framesIn,
                framesOut,
                droppedDatagrams,
                failures,
                Map.of());
    }

    /**
     * How often {@code guard} acted: connections it closed or refused, or datagrams it dropped.
     *
     * @param guard the protection
     * @return its count since the server started
     */
    public long count(Guard guard) {
        return guards.getOrDefault(guard, 0L);
    }

    /**
     * {@return the totals in one line, for a log: {@code 12 connections accepted, 4096 bytes in, 4096 bytes out, 3
     * failures; 2 idle timeouts, 1 connections refused by the limit}} Guards that never acted are left out.
     */
    public String summary() {
        StringBuilder line = new StringBuilder()
                .append(acceptedConnections)
                .append(" connections accepted, ")
                .append(framesIn)
                .append(" frames and ")
                .append(bytesIn)
                .append(" bytes in, ")
                .append(framesOut)
                .append(" frames and ")
                .append(bytesOut)
                .append(" bytes out, ")
                .append(failures)
                .append(" failures");
        String separator = "; ";
        for (Guard guard : Guard.values()) {
            long count = count(guard);
            if (count > 0) {
                line.append(separator).append(count).append(' ').append(guard.description());
                separator = ", ";
            }
        }
        return line.toString();
    }
}
