package dev.socketkit.cli;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Log4J2LoggerFactory;

/**
 * Netty's loggers for the CLI: each answers whether it is enabled from {@link LogLevels}, and makes its Log4j logger
 * only when it is about to write a line.
 *
 * <p>Why: Netty makes a logger in nearly every class it initialises, and its default factory makes each through the
 * Log4j API, whose first logger sets the API up: it reads its properties and looks up its providers in every jar on
 * the class path, opening all fifty of them, some 60 ms of a {@code send} that logs nothing (docs/measurements.md,
 * "Start-up, measured"). With these, a command that writes no log line never starts the Log4j API. A line that is
 * written goes through the Log4j API as before, so {@code --log-format json} and an operator's own configuration see
 * every one; while a configuration is named ({@link LogLevels#configured()}), Log4j alone decides what is enabled.
 */
final class NettyLogging extends InternalLoggerFactory {
    /** Netty's own factory for Log4j loggers; its type says so, and makes its {@code newInstance} public. */
    private static final Log4J2LoggerFactory LOG4J = (Log4J2LoggerFactory) Log4J2LoggerFactory.INSTANCE;

    private NettyLogging() {}

    /** Makes this Netty's logger factory: before any Netty class initialises, as each makes its loggers then. */
    static void install() {
        InternalLoggerFactory.setDefaultFactory(new NettyLogging());
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return logger(name);
    }

    /** The logger Netty gets for {@code name}. */
    static InternalLogger logger(String name) {
        return new Gate(name);
    }

    /** One of Netty's loggers: its level from {@link LogLevels}, its lines through a Log4j logger made when needed. */
    private static final class Gate extends AbstractInternalLogger {
        private static final long serialVersionUID = 1L;

        private transient volatile InternalLogger log4j;

        Gate(String name) {
            super(name);
        }

        private InternalLogger log4j() {
            InternalLogger made = log4j;
            if (made == null) {
                made = LOG4J.newInstance(name());
                log4j = made;
            }
            return made;
        }

        private boolean enabled(InternalLogLevel level, LogLevels.Level same) {
            return LogLevels.configured()
                    ? log4j().isEnabled(level)
                    : LogLevels.of(name()).admits(same);
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(InternalLogLevel.TRACE, LogLevels.Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(InternalLogLevel.DEBUG, LogLevels.Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(InternalLogLevel.INFO, LogLevels.Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(InternalLogLevel.WARN, LogLevels.Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(InternalLogLevel.ERROR, LogLevels.Level.ERROR);
        }

        // Netty's logger interface has five shapes of call per level; each hands its arguments on as they came, once
        // the level lets the line through (Netty often logs without asking first).

        @Override
        public void trace(String msg) {
            if (isTraceEnabled()) {
                log4j().trace(msg);
            }
        }

        @Override
        public void trace(String format, Object arg) {
            if (isTraceEnabled()) {
                log4j().trace(format, arg);
            }
        }

        @Override
        public void trace(String format, Object argA, Object argB) {
            if (isTraceEnabled()) {
                log4j().trace(format, argA, argB);
            }
        }

        @Override
        public void trace(String format, Object... arguments) {
            if (isTraceEnabled()) {
                log4j().trace(format, arguments);
            }
        }

        @Override
        public void trace(String msg, Throwable t) {
            if (isTraceEnabled()) {
                log4j().trace(msg, t);
            }
        }

        @Override
        public void debug(String msg) {
            if (isDebugEnabled()) {
                log4j().debug(msg);
            }
        }

        @Override
        public void debug(String format, Object arg) {
            if (isDebugEnabled()) {
                log4j().debug(format, arg);
            }
        }

        @Override
        public void debug(String format, Object argA, Object argB) {
            if (isDebugEnabled()) {
                log4j().debug(format, argA, argB);
            }
        }

        @Override
        public void debug(String format, Object... arguments) {
            if (isDebugEnabled()) {
                log4j().debug(format, arguments);
            }
        }

        @Override
        public void debug(String msg, Throwable t) {
            if (isDebugEnabled()) {
                log4j().debug(msg, t);
            }
        }

        @Override
        public void info(String msg) {
            if (isInfoEnabled()) {
                log4j().info(msg);
            }
        }

        @Override
        public void info(String format, Object arg) {
            if (isInfoEnabled()) {
                log4j().info(format, arg);
            }
        }

        @Override
        public void info(String format, Object argA, Object argB) {
            if (isInfoEnabled()) {
                log4j().info(format, argA, argB);
            }
        }

        @Override
        public void info(String format, Object... arguments) {
            if (isInfoEnabled()) {
                log4j().info(format, arguments);
            }
        }

        @Override
        public void info(String msg, Throwable t) {
            if (isInfoEnabled()) {
                log4j().info(msg, t);
            }
        }

        @Override
        public void warn(String msg) {
            if (isWarnEnabled()) {
                log4j().warn(msg);
            }
        }

        @Override
        public void warn(String format, Object arg) {
            if (isWarnEnabled()) {
                log4j().warn(format, arg);
            }
        }

        @Override
        public void warn(String format, Object argA, Object argB) {
            if (isWarnEnabled()) {
                log4j().warn(format, argA, argB);
            }
        }

        @Override
        public void warn(String format, Object... arguments) {
            if (isWarnEnabled()) {
                log4j().warn(format, arguments);
            }
        }

        @Override
        public void warn(String msg, Throwable t) {
            if (isWarnEnabled()) {
                log4j().warn(msg, t);
            }
        }

        @Override
        public void error(String msg) {
            if (isErrorEnabled()) {
                log4j().error(msg);
            }
        }

        @Override
        public void error(String format, Object arg) {
            if (isErrorEnabled()) {
                log4j().error(format, arg);
            }
        }

        @Override
        public void error(String format, Object argA, Object argB) {
            if (isErrorEnabled()) {
                log4j().error(format, argA, argB);
            }
        }

        @Override
        public void error(String format, Object... arguments) {
            if (isErrorEnabled()) {
                log4j().error(format, arguments);
            }
        }

        @Override
        public void error(String msg, Throwable t) {
            if (isErrorEnabled()) {
                log4j().error(msg, t);
            }
        }
    }
}
