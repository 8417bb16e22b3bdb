package dev.socketkit.transport.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one kind of WARN line readable under a storm: at most one line a second, the next line saying how many were
 * left out. A target that refuses every connection, or a flood of datagrams from forged sources, then writes a line a
 * second, not a line per event. Thread-safe.
 */
public final class LogThrottle {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong nextLine = new AtomicLong(System.nanoTime());
    private final AtomicLong leftOut = new AtomicLong();

    /** A throttle whose first line is logged. */
    public LogThrottle() {}

    /**
     * Says whether to log one more line.
     *
     * @return null when this line is to be left out; otherwise the end of the line: empty, or how many lines were left
     *     out since the last one
     */
    public String admit() {
        long now = System.nanoTime();
        long due = nextLine.get();
        if (now - due < 0 || !nextLine.compareAndSet(due, now + INTERVAL)) {
            leftOut.incrementAndGet();
            return null;
        }
        long skipped = leftOut.getAndSet(0);
        return skipped == 0 ? "" : " (" + skipped + " more like it since the last such line)";
    }
}
