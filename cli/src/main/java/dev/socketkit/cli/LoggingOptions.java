package dev.socketkit.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v}, {@code -q} and {@code --debug}, shared by every command. Logging is configured from them before the
 * first logger exists, so Log4j starts with the right levels.
 */
final class LoggingOptions {
    /** The prefix of the simple logger's settings. */
    private static final String SIMPLE = "org.apache.logging.log4j.simplelog.";

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
     * the user picked a provider; must run before any logger is created.
     */
    void apply() {
        if (verbose && quiet) {
            throw new UsageException("-v and -q contradict each other; give one");
        }
        System.setProperty("socketkit.log.level", verbose ? "debug" : quiet ? "warn" : "info");
        System.setProperty("socketkit.log.netty", debug ? "info" : "warn");
        System.setProperty("socketkit.log.stacktraces", debug ? "full" : "none");
        Main.setUnlessSet("log4j.provider", StderrLogging.class.getName());
    }

    /**
     * As {@link #apply()}, for commands over in moments ({@code send}, {@code resolve}): unless {@code -v} or
     * {@code --debug} asks for details, they log through the Log4j API's simple logger, to stderr, at INFO (WARN with
     * {@code -q}). Log4j Core would load some 600 classes and an XML parser to read its configuration, about a third of
     * such a command's start-up, for lines these commands almost never write. The simple logger has one level for all
     * loggers and prints a stack trace with any exception logged: Netty's WARN lines, the only ones that carry one, are
     * for faults in Netty itself. Its lines carry no time of day ({@code WARN --insecure: ...}): the simple logger makes
     * a {@code SimpleDateFormat} for every logger, which sets up the locale's calendar, date symbols and time zone
     * whether or not a line is ever written, some 40 ms of CPU; a command over in moments needs no timestamps.
     */
    void applyForShortCommand() {
        apply();
        if (!verbose && !debug) {
            System.setProperty("log4j.provider", "org.apache.logging.log4j.simple.internal.SimpleProvider");
            System.setProperty(SIMPLE + "level", quiet ? "WARN" : "INFO");
            System.setProperty(SIMPLE + "showShortLogname", "false");
        }
    }
}
