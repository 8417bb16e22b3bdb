package dev.socketkit.relay;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A relay's counters, written from every event loop; {@link #snapshot} reads them for {@link Relay#stats()}. */
final class Counters {
    /** The ordinal of the last connection accepted: numbers go 1, 2, 3… in accept order. */
    final AtomicLong connections = new AtomicLong();
    /** The ordinal of the last datagram session opened. */
    final AtomicLong sessions = new AtomicLong();

    /** Stream connections joined to the target: those with a {@link RelayListener#connectionOpened}. */
    final LongAdder joinedConnections = new LongAdder();

    final LongAdder openConnections = new LongAdder();
    final LongAdder bufferedBytes = new LongAdder();
    final LongAdder openSessions = new LongAdder();
    final LongAdder bytesUpstream = new LongAdder();
    final LongAdder bytesDownstream = new LongAdder();
    final LongAdder datagramsUpstream = new LongAdder();
    final LongAdder datagramsDownstream = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder targetFailures = new LongAdder();
    final LongAdder sessionsRefused = new LongAdder();
    final LongAdder sessionsExpired = new LongAdder();
    final LongAdder datagramsDropped = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder acceptFailures = new LongAdder();

    void bytes(Direction direction, int count) {
        (direction == Direction.UPSTREAM ? bytesUpstream : bytesDownstream).add(count);
    }

    RelayStats snapshot() {
        return new RelayStats(
                openConnections.sum(),
                bufferedBytes.sum(),
                connections.get(),
                joinedConnections.sum(),
                openSessions.sum(),
                sessions.get(),
                bytesUpstream.sum(),
                bytesDownstream.sum(),
                datagramsUpstream.sum(),
                datagramsDownstream.sum(),
                resets.sum(),
                targetFailures.sum(),
                sessionsRefused.sum(),
                sessionsExpired.sum(),
                datagramsDropped.sum(),
                connectionsRefused.sum(),
                acceptFailures.sum());
    }
}
