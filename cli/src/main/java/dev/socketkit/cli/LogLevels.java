package dev.socketkit.cli;

/**
 * Which lines the CLI logs: the levels {@code log4j2.properties} gives, written once for {@link StderrLogging}, which
 * writes the lines, and for {@link NettyLogging}, which decides without the Log4j API whether Netty's would be written.
 * socketkit's loggers take {@code socketkit.log.level}, Netty's {@code socketkit.log.netty}, the rest WARN;
 * {@link LoggingOptions#apply()} sets both properties from {@code -v}, {@code -q} and {@code --debug}, then calls
 * {@link #refresh()}.
 *
 * <p>When a Log4j configuration file is named ({@code --log-format json}, or the operator's own), Log4j Core decides,
 * and {@link #configured()} says so.
 */
final class LogLevels {
    /** Log4j's standard levels, most severe first, as {@code Level.intLevel()} orders them. */
    enum Level {
        /** Nothing is logged. */
        OFF,
        /** {@code FATAL}. */
        FATAL,
        /** {@code ERROR}. */
        ERROR,
        /** {@code WARN}. */
        WARN,
        /** {@code INFO}. */
        INFO,
        /** {@code DEBUG}. */
        DEBUG,
        /** {@code TRACE}. */
        TRACE,
        /** Everything. */
        ALL;

        /** {@return whether a logger at this level writes a line at {@code asked}} */
        boolean admits(Level asked) {
            return asked.compareTo(this) <= 0;
        }

        private static Level parse(String name, Level otherwise) {
            if (name != null) {
                for (Level level : values()) {
                    if (level.name().equalsIgnoreCase(name.strip())) {
                        return level;
                    }
                }
            }
            return otherwise;
        }
    }

    /** The levels in force: read from the system properties when the class loads and at each {@link #refresh()}. */
    private static volatile Snapshot current = Snapshot.read();

    private LogLevels() {}

    /** Reads the properties again: after {@link LoggingOptions#apply()} or the log format has set them. */
    static void refresh() {
        current = Snapshot.read();
    }

    /**
     * {@return whether a Log4j configuration file is named, so that Log4j Core, not these levels, decides} The
     * operator's own is named before the JVM starts; {@code --log-format json}'s is named as its command starts, and
     * {@link OrchestratorOptions#applyLogFormat()} reads the levels again then.
     */
    static boolean configured() {
        return current.configured;
    }

    /** {@return the level {@code log4j2.properties} gives the logger called {@code loggerName}} */
    static Level of(String loggerName) {
        Snapshot levels = current;
        if (loggerName.startsWith("dev.socketkit.")) {
            return levels.socketkit;
        }
        if (loggerName.startsWith("io.netty.")) {
            return levels.netty;
        }
        return Level.WARN;
    }

    /**
     * {@return whether {@code type}'s logger writes DEBUG lines} For a caller that would otherwise make its logger, and
     * so start the Log4j API (a scan of every jar on the class path), only to find its lines not wanted. True whenever
     * Log4j Core decides: then only the logger can say.
     */
    static boolean debug(Class<?> type) {
        return configured() || of(type.getName()).admits(Level.DEBUG);
    }

    private record Snapshot(boolean configured, Level socketkit, Level netty) {
        static Snapshot read() {
            return new Snapshot(
                    System.getProperty("log4j2.configurationFile") != null
                            || System.getProperty("log4j.configurationFile") != null,
                    Level.parse(System.getProperty("socketkit.log.level"), Level.INFO),
                    Level.parse(System.getProperty("socketkit.log.netty"), Level.WARN));
        }
    }
}
