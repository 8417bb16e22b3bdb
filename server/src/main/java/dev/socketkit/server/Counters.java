package dev.socketkit.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * A server's running totals, added to from every event loop and worker; read as a {@link ServerStats} snapshot. Open
 * connections are not a total: the server's set of connections knows them.
 */
final class Counters {
    final LongAdder accepted = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder droppedDatagrams = new LongAdder();
    final LongAdder failures = new LongAdder();

    ServerStats snapshot(int openConnections) {
        return new ServerStats(
                openConnections,
                accepted.sum(),
                bytesIn.sum(),
                bytesOut.sum(),
                framesIn.sum(),
                framesOut.sum(),
                droppedDatagrams.sum(),
                failures.sum());
    }
}
