package dev.socketkit.bench;

/** The JVM flags every benchmark fork is given, as constants for {@code @Fork(jvmArgsAppend = ...)}. */
public final class Forks {
    /**
     * No leak tracking: Netty's default samples one buffer in 128 and records its accesses, which adds noise that has
     * nothing to do with the code measured. The tests check for leaks, at {@code paranoid}.
     */
    public static final String NO_LEAK_DETECTION = "-Dio.netty.leakDetection.level=disabled";

    /**
     * log4j-api's own simple logger (errors to stderr), named outright: the benchmarks carry no Log4j backend, and
     * without this the API complains, once per fork, that it found none.
     */
    public static final String SIMPLE_LOGGER =
            "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory";

    /** A fixed heap of 1 GiB, so that a resize in the middle of a measurement does not show up as codec time. */
    public static final String HEAP = "-Xms1g";

    /** The other half of {@link #HEAP}. */
    public static final String HEAP_MAX = "-Xmx1g";

    private Forks() {}
}
