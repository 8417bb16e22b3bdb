package dev.socketkit.it;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerStats;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waits for what other threads or processes make true, such as a server's counters: a check repeated until a
 * deadline, never a fixed sleep (too short on a loaded machine, time lost on an idle one) and never an endless loop.
 */
final class Poll {
    /** The longest a wait takes when nothing else is said; reached only when something is broken. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** The pause between two checks: short, since the answer usually comes within milliseconds. */
    private static final long STEP_MILLIS = 10;

    private Poll() {}

    /**
     * Waits up to {@code limit} until the server's stats satisfy {@code done}; returns the last snapshot either way, for
     * the caller's assertion to show it.
     */
    static ServerStats stats(Server server, Predicate<ServerStats> done, Duration limit) throws Exception {
        return value(server::stats, done, limit);
    }

    /** Waits up to {@link #WAIT} for {@code condition}; fails, naming {@code what}, if it does not come. */
    static void until(BooleanSupplier condition, String what) throws Exception {
        until(condition, () -> what);
    }

    /** {@link #until(BooleanSupplier, String)}, saying {@code what} as it stands when the wait is over. */
    static void until(BooleanSupplier condition, Supplier<String> what) throws Exception {
        if (!value(condition::getAsBoolean, Boolean::booleanValue, WAIT)) {
            throw new AssertionError("not within " + WAIT + ": " + what.get());
        }
    }

    /**
     * Takes {@code value} until {@code done} accepts it or {@code limit} has passed, and returns the last value taken
     * either way, for the caller's assertion to show what it was.
     */
    static <T> T value(Callable<T> value, Predicate<? super T> done, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        T now = value.call();
        while (!done.test(now) && System.nanoTime() - deadline < 0) {
            Thread.sleep(STEP_MILLIS);
            now = value.call();
        }
        return now;
    }
}
