package dev.socketkit.server;

import java.util.concurrent.atomic.LongAdder;

/** A server's running totals, added to from every event loop and worker; read as a {@link ServerStats} snapshot. */
final class Counters {
    final LongAdder accepted = new LongAdder();
    final LongAdder open = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder droppedDatagrams = new LongAdder();
    final LongAdder failures = new LongAdder();

    ServerStats snapshot() {
        return new ServerStats(
                open.sum(),
                accepted.sum(),
                bytesIn.sum(),
                bytesOut.sum(),
                framesIn.sum(),
                framesOut.sum(),
                droppedDatagrams.sum(),
                failures.sum());
    }
}
