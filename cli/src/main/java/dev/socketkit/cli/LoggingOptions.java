package dev.socketkit.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v}, {@code -q} and {@code --debug}, shared by every command. Logging is configured from them before the
 * first logger exists, so Log4j starts with the right levels.
 */
final class LoggingOptions {
    @Option(
            names = {"-v", "--verbose"},
            description = "Log at DEBUG: every message read and written, the socket options in effect.")
    boolean verbose;

    @Option(
            names = {"-q", "--quiet"},
            description = "Log only warnings and errors.")
    boolean quiet;

    @Option(names = "--debug", description = "Show stack traces with errors.")
    boolean debug;

    /**
     * Sets the Log4j properties that log4j2.properties reads, and picks {@link StderrLogging} to write the lines unless
     * the user picked a provider; must run before any logger is created. Every command logs so, those over in moments
     * ({@code send}, {@code resolve}) too: their loggers start the Log4j API only when a line is written
     * ({@link NettyLogging}, {@link LogLevels#debug}).
     */
    void apply() {
        if (verbose && quiet) {
            throw new UsageException("-v and -q contradict each other; give one");
        }
        System.setProperty("socketkit.log.level", verbose ? "debug" : quiet ? "warn" : "info");
        System.setProperty("socketkit.log.netty", debug ? "info" : "warn");
        System.setProperty("socketkit.log.stacktraces", debug ? "full" : "none");
        Main.setUnlessSet("log4j.provider", StderrLogging.class.getName());
        LogLevels.refresh();
    }
}
