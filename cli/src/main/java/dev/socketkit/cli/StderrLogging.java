package dev.socketkit.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.TimeZone;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.MessageFactory;
import org.apache.logging.log4j.message.ParameterizedMessageFactory;
import org.apache.logging.log4j.spi.AbstractLogger;
import org.apache.logging.log4j.spi.ExtendedLogger;
import org.apache.logging.log4j.spi.LoggerContext;
import org.apache.logging.log4j.spi.LoggerContextFactory;
import org.apache.logging.log4j.spi.LoggerRegistry;
import org.apache.logging.log4j.spi.Provider;

/**
 * The CLI's logging backend for text lines: what {@code log4j2.properties} configures Log4j Core to do, done without
 * Log4j Core. Every command writes {@code HH:mm:ss.SSS LEVEL message} lines to stderr. The levels are
 * {@code socketkit.log.level} for socketkit's loggers, {@code socketkit.log.netty} for Netty's and WARN for the rest,
 * as {@link LogLevels} says. A logged exception's stack trace is printed only with {@code --debug}.
 *
 * <p>Why: Log4j Core loads some 600 classes and reads its configuration at every start, about a third of the CPU a
 * {@code serve} spends before its {@code listening} line (docs/measurements.md, "Start-up, measured").
 *
 * <p>Log4j Core still runs whenever its configuration is asked for. That is the case for {@code --log-format json}, and
 * for an operator's own {@code -Dlog4j2.configurationFile} (or {@code log4j.configurationFile}): those are read when
 * the first logger is made, so that both are known by then. {@link LoggingOptions#apply()} names this provider in
 * {@code log4j.provider} unless the user named another.
 */
public final class StderrLogging extends Provider {
    /** Log4j Core's provider, used when a configuration file is named. */
    private static final String CORE = "org.apache.logging.log4j.core.impl.Log4jProvider";

    private volatile LoggerContextFactory factory;

    /** Made by the Log4j API, by the class name in {@code log4j.provider}. */
    public StderrLogging() {
        super(10, CURRENT_VERSION);
    }

    @Override
    public LoggerContextFactory getLoggerContextFactory() {
        LoggerContextFactory made = factory;
        if (made == null) {
            synchronized (this) {
                made = factory;
                if (made == null) {
                    made = LogLevels.configured() ? core() : new Factory();
                    factory = made;
                }
            }
        }
        return made;
    }

    private static LoggerContextFactory core() {
        try {
            return Class.forName(CORE)
                    .asSubclass(Provider.class)
                    .getConstructor()
                    .newInstance()
                    .getLoggerContextFactory();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("Log4j Core is not on the class path: " + e, e);
        }
    }

    /** The one logging context of a CLI process. */
    private static final class Factory implements LoggerContextFactory {
        private final Context context = new Context();

        @Override
        public LoggerContext getContext(
                String fqcn, ClassLoader loader, Object externalContext, boolean currentContext) {
            return context;
        }

        @Override
        public LoggerContext getContext(
                String fqcn,
                ClassLoader loader,
                Object externalContext,
                boolean currentContext,
                URI configLocation,
                String name) {
            return context;
        }

        @Override
        public void removeContext(LoggerContext removed) {}

        @Override
        public boolean isClassLoaderDependent() {
            return false;
        }
    }

    /** The loggers, one per name, each with its level fixed when it is made. */
    private static final class Context implements LoggerContext {
        private final LoggerRegistry<ExtendedLogger> loggers = new LoggerRegistry<>();
        private final boolean stackTraces = "full".equals(System.getProperty("socketkit.log.stacktraces"));

        /**
         * The time zone, read once, now: the first read opens {@code /etc/localtime} or the JDK's time zone file, and
         * the first line may well be the warning that descriptors have run out, when no file can be opened. Log4j Core
         * did all this while it started.
         */
        private final TimeZone zone = TimeZone.getDefault();

        /**
         * Runs, once, the code that the first line runs and whose first run opens files: reading the time zone, and the
         * class initialisation of the Log4j API's message formatter (it sets up a date formatter).
         */
        Context() {
            StringBuilder warmUp = new StringBuilder();
            Line.timeOfDay(warmUp, zone, System.currentTimeMillis());
            warmUp.append(ParameterizedMessageFactory.INSTANCE
                    .newMessage("{} {}", "warm", 1)
                    .getFormattedMessage());
        }

        @Override
        public Object getExternalContext() {
            return null;
        }

        @Override
        public ExtendedLogger getLogger(String name) {
            return getLogger(name, null);
        }

        @Override
        public ExtendedLogger getLogger(String name, MessageFactory messageFactory) {
            ExtendedLogger logger = loggers.getLogger(name, messageFactory);
            if (logger == null) {
                loggers.putIfAbsent(
                        name, messageFactory, new Line(name, level(name), messageFactory, stackTraces, zone));
                logger = loggers.getLogger(name, messageFactory);
            }
            return logger;
        }

        /** The level {@code log4j2.properties} gives a logger of this name. */
        private static Level level(String name) {
            return Level.getLevel(LogLevels.of(name).name());
        }

        @Override
        public boolean hasLogger(String name) {
            return loggers.hasLogger(name, (MessageFactory) null);
        }

        @Override
        public boolean hasLogger(String name, MessageFactory messageFactory) {
            return loggers.hasLogger(name, messageFactory);
        }

        @Override
        public boolean hasLogger(String name, Class<? extends MessageFactory> messageFactoryClass) {
            return loggers.hasLogger(name, messageFactoryClass);
        }
    }

    /**
     * A logger that writes one line per event to stderr: the layout of {@code log4j2.properties}, and no stack trace
     * without {@code --debug}. Its level is fixed when it is made; markers play no part, as in the configuration.
     */
    private static final class Line extends AbstractLogger {
        private static final long serialVersionUID = 1L;

        private final Level level;
        private final boolean stackTraces;
        private final TimeZone zone;

        Line(String name, Level level, MessageFactory messageFactory, boolean stackTraces, TimeZone zone) {
            super(name, messageFactory);
            this.level = level;
            this.stackTraces = stackTraces;
            this.zone = zone;
        }

        private boolean enabled(Level asked) {
            return level.intLevel() >= asked.intLevel();
        }

        @Override
        public Level getLevel() {
            return level;
        }

        // The Log4j API asks the same question through one overload per message shape and parameter count (up to ten,
        // so that a call with few parameters makes no array): each answers by the level alone.

        @Override
        public boolean isEnabled(Level level, Marker marker, Message message, Throwable thrown) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, CharSequence message, Throwable thrown) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, Object message, Throwable thrown) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, String message, Throwable thrown) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, String message) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, String message, Object... parameters) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, String message, Object p0) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(Level level, Marker marker, String message, Object p0, Object p1, Object p2) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level, Marker marker, String message, Object p0, Object p1, Object p2, Object p3, Object p4) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level,
                Marker marker,
                String message,
                Object p0,
                Object p1,
                Object p2,
                Object p3,
                Object p4,
                Object p5) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level,
                Marker marker,
                String message,
                Object p0,
                Object p1,
                Object p2,
                Object p3,
                Object p4,
                Object p5,
                Object p6) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level,
                Marker marker,
                String message,
                Object p0,
                Object p1,
                Object p2,
                Object p3,
                Object p4,
                Object p5,
                Object p6,
                Object p7) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level,
                Marker marker,
                String message,
                Object p0,
                Object p1,
                Object p2,
                Object p3,
                Object p4,
                Object p5,
                Object p6,
                Object p7,
                Object p8) {
            return enabled(level);
        }

        @Override
        public boolean isEnabled(
                Level level,
                Marker marker,
                String message,
                Object p0,
                Object p1,
                Object p2,
                Object p3,
                Object p4,
                Object p5,
                Object p6,
                Object p7,
                Object p8,
                Object p9) {
            return enabled(level);
        }

        @Override
        public void logMessage(String fqcn, Level level, Marker marker, Message message, Throwable thrown) {
            StringBuilder line = new StringBuilder(96);
            timeOfDay(line, zone, System.currentTimeMillis());
            String name = level.name();
            line.append(' ').append(name);
            for (int pad = name.length(); pad < 5; pad++) {
                line.append(' ');
            }
            line.append(' ').append(message.getFormattedMessage()).append(System.lineSeparator());
            PrintStream err = System.err;
            synchronized (err) {
                err.print(line);
                if (thrown != null && stackTraces) {
                    thrown.printStackTrace(err);
                }
                err.flush();
            }
        }

        /** {@code HH:mm:ss.SSS} in the local time zone, as Log4j Core's {@code %d{HH:mm:ss.SSS}}. */
        static void timeOfDay(StringBuilder line, TimeZone zone, long millis) {
            long local = millis + zone.getOffset(millis);
            long ofDay = Math.floorMod(local, 24L * 60 * 60 * 1000);
            two(line, ofDay / 3_600_000).append(':');
            two(line, ofDay / 60_000 % 60).append(':');
            two(line, ofDay / 1000 % 60).append('.');
            long ms = ofDay % 1000;
            line.append(ms < 100 ? (ms < 10 ? "00" : "0") : "").append(ms);
        }

        private static StringBuilder two(StringBuilder line, long value) {
            return line.append(value < 10 ? "0" : "").append(value);
        }
    }
}
