package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.spi.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI's text lines, as {@code log4j2.properties} lays them out for Log4j Core: levels by logger name, the time of
 * day, the padded level, and a stack trace only with {@code --debug}. Each context reads the system properties that
 * {@link LoggingOptions} sets, so each test sets them first and puts them back after.
 */
class StderrLoggingTest {
    private final LogProperties properties = new LogProperties();
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LoggerContext context(String level, String netty, String stackTraces) {
        properties
                .set("socketkit.log.level", level)
                .set("socketkit.log.netty", netty)
                .set("socketkit.log.stacktraces", stackTraces)
                .set("log4j2.configurationFile", null);
        captured.reset();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        return new StderrLogging().getLoggerContextFactory().getContext(null, null, null, false);
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @AfterEach
    void restore() {
        System.setErr(stderr);
        properties.restore();
    }

    @Test
    void logsEachLoggerAtTheLevelItsNameGets() {
        LoggerContext context = context("info", "warn", "none");
        Logger socketkit = context.getLogger("dev.socketkit.server.Server");
        Logger netty = context.getLogger("io.netty.channel.DefaultChannelPipeline");
        Logger other = context.getLogger("org.example.Other");
        socketkit.debug("socketkit debug");
        socketkit.info("socketkit {}", "info");
        netty.info("netty info");
        netty.warn("netty warn");
        other.info("other info");
        other.error("other error");
        List<String> lines = lines();
        assertEquals(3, lines.size(), () -> String.join("\n", lines));
        assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  socketkit info"), lines.get(0));
        assertTrue(lines.get(1).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  netty warn"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" ERROR other error"), lines.get(2));
    }

    @Test
    void printsAStackTraceOnlyWhenAskedTo() {
        Logger quiet = context("info", "warn", "none").getLogger("dev.socketkit.server.ConnectionHandler");
        quiet.warn("closing {}: handler failed", "/127.0.0.1:1", new IllegalStateException("boom"));
        assertEquals(1, lines().size(), () -> String.join("\n", lines()));
        assertTrue(lines().get(0).endsWith(" WARN  closing /127.0.0.1:1: handler failed"), lines().get(0));
        restore();

        Logger debug = context("info", "info", "full").getLogger("dev.socketkit.server.ConnectionHandler");
        debug.warn("closing {}: handler failed", "/127.0.0.1:1", new IllegalStateException("boom"));
        List<String> lines = lines();
        assertTrue(lines.size() > 2, () -> String.join("\n", lines));
        assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat "), lines.get(2));
    }

    @Test
    void handsOverToLog4jCoreWhenAConfigurationFileIsNamed() {
        context("info", "warn", "none");
        properties.set("log4j2.configurationFile", "classpath:log4j2.properties");
        String factory =
                new StderrLogging().getLoggerContextFactory().getClass().getName();
        assertTrue(factory.startsWith("org.apache.logging.log4j.core."), factory);
    }
}
