package dev.socketkit.relay;

import java.net.SocketAddress;
import java.util.Map;

/**
 * Hooks on a relay's connections, datagram sessions and faults, for logs and scripts ({@code --events}). Every method
 * does nothing by default. They are called on the relay's event loops (a fault added to an open datagram session: on
 * the thread that adds it), so they must be quick and never block: a listener that writes somewhere slow hands the
 * event to a thread of its own, and drops it rather than wait. An exception thrown by a listener is logged at DEBUG and
 * otherwise ignored: it does not stop the traffic.
 */
public interface RelayListener {
    /** A listener that does nothing. */
    RelayListener NONE = new RelayListener() {};

    /**
     * A stream connection was joined to the target: both ends are connected, and no byte has been passed on yet.
     *
     * @param number the connection's ordinal, from 1 in accept order
     * @param client the client's address (for an unnamed Unix socket, an empty one)
     * @param target the target's address
     */
    default void connectionOpened(long number, SocketAddress client, SocketAddress target) {}

    /**
     * A stream connection ended: called once for every connection accepted, whether or not it was joined to the
     * target ({@link #connectionOpened}); one that was not has 0 bytes each way.
     *
     * @param number the connection's ordinal
     * @param bytesUpstream bytes passed from the client to the target
     * @param bytesDownstream bytes passed from the target to the client
     * @param end how it ended: {@code closed} (by either side, or the relay stopping), {@code reset} (a reset passed
     *     on), {@code failed} (an I/O error), {@code target_failed} (the target refused, did not answer, or failed its
     *     TLS handshake; such a connection was never opened), {@code refused} (closed as soon as it was accepted,
     *     because {@link RelayConfig#maxConnections()} were open; never opened either). A client that leaves before the
     *     target answers, or a relay that stops meanwhile, ends it as {@code closed}
     */
    default void connectionClosed(long number, long bytesUpstream, long bytesDownstream, String end) {}

    /**
     * A datagram session opened: the first datagram from a new client address.
     *
     * @param number the session's ordinal, from 1
     * @param client the client's address
     */
    default void sessionOpened(long number, SocketAddress client) {}

    /**
     * A datagram session ended.
     *
     * @param number the session's ordinal
     * @param totals the datagrams and bytes of the session each way
     * @param end {@code expired} (idle for the session idle timeout), {@code closed} (the relay stopped) or {@code
     *     target_failed} (no socket toward the target could be opened)
     * @param faultHits for each fault that applied to the session, by name, how many datagrams it acted on (dropped,
     *     duplicated, corrupted, held back by reorder or latency), both directions together
     */
    default void sessionClosed(long number, SessionTotals totals, String end, Map<String, Long> faultHits) {}

    /**
     * A fault started to apply to a connection or datagram session: when the connection or session opened, or when the
     * fault was added while it was open. Called once per direction it applies in. Datagram faults are not reported per
     * datagram (that would be one event per datagram): {@link #sessionClosed} carries their totals.
     *
     * @param number the connection's (or session's) ordinal
     * @param datagram whether {@code number} is a datagram session's
     * @param fault the fault
     * @param direction the direction it applies in
     */
    default void faultApplied(long number, boolean datagram, Fault fault, Direction direction) {}

    /**
     * A datagram session's traffic.
     *
     * @param datagramsUpstream datagrams read from the client
     * @param datagramsDownstream datagrams read from the target
     * @param bytesUpstream bytes read from the client
     * @param bytesDownstream bytes read from the target
     */
    record SessionTotals(long datagramsUpstream, long datagramsDownstream, long bytesUpstream, long bytesDownstream) {}
}
