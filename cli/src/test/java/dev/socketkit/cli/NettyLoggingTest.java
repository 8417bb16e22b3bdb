package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.logging.InternalLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Netty's loggers in the CLI answer whether they are enabled from the levels {@link LoggingOptions} sets, without the
 * Log4j API, and follow a change of them. That they start no Log4j API in a send that logs nothing is {@code
 * StartupIT}'s to show, in a JVM of its own.
 */
class NettyLoggingTest {
    private final LogProperties properties = new LogProperties();

    private void levels(String socketkit, String netty) {
        properties
                .set("log4j2.configurationFile", null)
                .set("log4j.configurationFile", null)
                .set("socketkit.log.level", socketkit)
                .set("socketkit.log.netty", netty);
    }

    @AfterEach
    void restore() {
        properties.restore();
    }

    @Test
    void nettysLoggersTakeNettysLevel() {
        levels("debug", "warn");
        InternalLogger logger = NettyLogging.logger("io.netty.channel.DefaultChannelPipeline");
        assertEquals("io.netty.channel.DefaultChannelPipeline", logger.name());
        assertFalse(logger.isTraceEnabled());
        assertFalse(logger.isDebugEnabled(), "socketkit's DEBUG is not Netty's");
        assertFalse(logger.isInfoEnabled());
        assertTrue(logger.isWarnEnabled());
        assertTrue(logger.isErrorEnabled());
    }

    @Test
    void aLoggerFollowsTheLevelsWhenTheyChange() {
        levels("info", "warn");
        InternalLogger logger = NettyLogging.logger("io.netty.util.ResourceLeakDetector");
        assertFalse(logger.isInfoEnabled());
        levels("info", "info"); // --debug, set after Netty made the logger as its class initialised
        assertTrue(logger.isInfoEnabled(), "the logger kept the level it was made with");
        assertFalse(logger.isDebugEnabled());
    }

    @Test
    void aLoggerOutsideNettyAndSocketkitLogsWarningsOnly() {
        levels("trace", "trace");
        InternalLogger logger = NettyLogging.logger("org.example.Elsewhere");
        assertFalse(logger.isInfoEnabled());
        assertTrue(logger.isWarnEnabled());
    }
}
