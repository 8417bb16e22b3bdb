package dev.socketkit.cli;

import dev.socketkit.server.Server;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;

/**
 * Stops a running server when the JVM is asked to stop (SIGINT, SIGTERM), then exits 0.
 *
 * <p>A JVM stopped by a signal exits 128+signal after its hooks; a supervisor that sent SIGTERM expects 0 from a clean
 * stop, so the hook ends with {@code halt} and the status the CLI chose (0 unless the CLI itself is exiting with a
 * failure). Log4j's own hook is off (see log4j2.properties) so that the server's last log lines are written before logging
 * stops.
 */
final class ShutdownHook {
    private static volatile int status = ExitCodes.OK;

    private ShutdownHook() {}

    /** Stops {@code server} (draining it), then {@code after} if not null: a health port answers through the drain. */
    static void install(Server server, AutoCloseable after) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            closeQuietly(after);
                            // serve -v: what the server did, and what its guards did, in one line.
                            LogManager.getLogger(ServeCommand.class)
                                    .debug(
                                            "stopped {}: {}",
                                            server.endpoint(),
                                            server.stats().summary());
                            LogManager.shutdown();
                            Runtime.getRuntime().halt(status);
                        },
                        "socketkit-shutdown"));
    }

    /**
     * Runs {@code stop} when the JVM is asked to stop, logs {@code stopped} at DEBUG ({@code -v}), then exits with the
     * CLI's status: for commands that run something other than a {@link Server} ({@code relay}).
     */
    static void install(Runnable stop, Supplier<String> stopped) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.run();
                            LogManager.getLogger(ServeCommand.class).debug(stopped.get());
                            LogManager.shutdown();
                            Runtime.getRuntime().halt(status);
                        },
                        "socketkit-shutdown"));
    }

    private static void closeQuietly(AutoCloseable after) {
        if (after == null) {
            return;
        }
        try {
            after.close();
        } catch (Exception e) {
            LogManager.getLogger(ServeCommand.class).warn("cannot stop {}: {}", after, e.toString());
        }
    }

    /** Exits the JVM with {@code exitStatus}, which the hook, if installed, keeps. */
    static void exit(int exitStatus) {
        status = exitStatus;
        System.exit(exitStatus);
    }
}
