package dev.socketkit.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A server's running totals, added to from every event loop and worker; read as a {@link ServerStats} snapshot. Open
 * connections are not a total: the server's set of connections knows them.
 */
final class Counters {
    private static final Guard[] GUARDS = Guard.values();

    final LongAdder accepted = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder failures = new LongAdder();
    private final LongAdder[] guarded = new LongAdder[GUARDS.length];

    Counters() {
        for (int i = 0; i < guarded.length; i++) {
            guarded[i] = new LongAdder();
        }
    }

    /** Counts one action of {@code guard}. */
    void guarded(Guard guard) {
        guarded[guard.ordinal()].increment();
    }

    long guardedCount(Guard guard) {
        return guarded[guard.ordinal()].sum();
    }

    ServerStats snapshot(int openConnections) {
        Map<Guard, Long> guards = new EnumMap<>(Guard.class);
        long dropped = 0;
        for (Guard guard : GUARDS) {
            long count = guardedCount(guard);
            guards.put(guard, count);
            if (guard.isDatagramGuard()) {
                dropped += count;
            }
        }
        return new ServerStats(
                openConnections,
                accepted.sum(),
                bytesIn.sum(),
                bytesOut.sum(),
                framesIn.sum(),
                framesOut.sum(),
                dropped,
                failures.sum(),
                guards);
    }
}
