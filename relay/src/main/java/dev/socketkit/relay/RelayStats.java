package dev.socketkit.relay;

/**
 * A snapshot of a running relay's counters, from {@link Relay#stats()}. Totals count from the relay's start; bytes are
 * counted as relayed, in plaintext (TLS records not included), in the direction they went.
 *
 * @param openConnections stream connections open now (each a client's and the target's channel)
 * @param bufferedBytes bytes the relay holds now: read from one side and not yet written to the other (see the high
 *     mark in the README)
 * @param connections stream connections accepted in total
 * @param joinedConnections stream connections joined to the target in total (both ends connected): those accepted less
 *     those refused over the limit, those whose target failed, and those whose client left first
 * @param openSessions datagram sessions open now (each a client address and its upstream socket)
 * @param sessions datagram sessions opened in total
 * @param bytesUpstream bytes read from clients, to go to the target
 * @param bytesDownstream bytes read from the target, to go to clients
 * @param datagramsUpstream datagrams read from clients
 * @param datagramsDownstream datagrams read from the target
 * @param resets connections reset by one side, whose reset the relay passed on to the other
 * @param targetFailures connections (or sessions) closed because the target refused, timed out or failed TLS
 * @param sessionsRefused datagrams from a new client address dropped because the session table was full
 * @param sessionsExpired datagram sessions ended by their idle timeout
 * @param datagramsDropped datagrams dropped because a socket could not take them at once (a full send buffer, a Unix
 *     peer that does not read, an upstream socket still connecting with its small queue full)
 * @param connectionsRefused stream connections closed as soon as they were accepted, because {@link
 *     RelayConfig#maxConnections()} were open
 * @param acceptFailures failed accepts (out of file descriptors, most often), each of which stopped accepting for a
 *     second
 */
public record RelayStats(
        long openConnections,
        long bufferedBytes,
        long connections,
        long joinedConnections,
        long openSessions,
        long sessions,
        long bytesUpstream,
        long bytesDownstream,
        long datagramsUpstream,
        long datagramsDownstream,
        long resets,
        long targetFailures,
        long sessionsRefused,
        long sessionsExpired,
        long datagramsDropped,
        long connectionsRefused,
        long acceptFailures) {

    /** {@return the totals in one line, for a log} */
    public String summary() {
        return connections + " connections, " + sessions + " datagram sessions, " + bytesUpstream + " bytes up, "
                + bytesDownstream + " bytes down, " + resets + " resets passed on, " + targetFailures
                + " target failures, " + connectionsRefused + " connections refused over the limit, " + sessionsRefused
                + " datagrams refused by the full session table";
    }
}
