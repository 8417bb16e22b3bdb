package dev.socketkit.cli;

import dev.socketkit.micrometer.HealthServer;
import dev.socketkit.micrometer.SocketKitMetrics;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s options for running under an orchestrator (Kubernetes, systemd): the health port, the drain on
 * SIGTERM, several listeners on one port, and JSON log lines.
 */
final class OrchestratorOptions {
    @Option(
            names = "--health",
            paramLabel = "HOST:PORT",
            description = "Serve GET /live, /ready (503 while starting and draining) and /metrics (Prometheus text)"
                    + " over HTTP on this address, a port of its own.")
    String health;

    @Option(
            names = "--drain-delay",
            paramLabel = "DURATION",
            description = "On SIGTERM, /ready turns 503 at once; keep accepting for this long before the listeners"
                    + " close, so that a load balancer stops sending clients first (default: 0).")
    String drainDelay;

    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            description = "Once the listeners are closed, how long open connections have to finish before the rest are"
                    + " closed (default: " + ServerConfig.DEFAULT_SHUTDOWN_MILLIS + "ms).")
    String drainTimeout;

    @Option(
            names = "--listeners",
            paramLabel = "N",
            description = "Bind N sockets to the port with SO_REUSEPORT, each with an event-loop thread of its own, so"
                    + " that accepts and datagrams spread over cores (tcp and udp on epoll and io_uring; default: 1).")
    Integer listeners;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            description = "text (default) or json: one JSON object per log line on stderr, with time, level, logger,"
                    + " message and thread.")
    String logFormat;

    /**
     * Picks the log layout; must run before any logger is created. JSON lines come from Log4j's JsonTemplateLayout,
     * set by a second configuration file that replaces the text appender of the first (Log4j merges the two), so that
     * the levels have one home.
     */
    void applyLogFormat() {
        if (logFormat == null || logFormat.equals("text")) {
            return;
        }
        if (!logFormat.equals("json")) {
            throw new UsageException("--log-format: unknown format '" + logFormat + "'; use text or json");
        }
        System.setProperty("log4j2.configurationFile", "classpath:log4j2.properties,classpath:log4j2-json.properties");
        // --debug's stack traces, which LoggingOptions has set for the text layout.
        System.setProperty(
                "socketkit.log.json.stacktraces",
                Boolean.toString("full".equals(System.getProperty("socketkit.log.stacktraces"))));
        LogLevels.refresh(); // Log4j Core decides now, for Netty's loggers too
    }

    /**
     * {@code config} with the drain and the listeners set, every value checked; what fits only some endpoints and
     * transports (several listeners on a Unix socket, or on nio) {@link ServerConfig#validate()} and {@link
     * Server#start} refuse.
     */
    ServerConfig apply(ServerConfig config, Integer threads) {
        if (drainDelay != null) {
            config = config.withDrainDelay(Options.delay("--drain-delay", drainDelay));
        }
        if (drainTimeout != null) {
            config = config.withShutdownTimeout(Options.delay("--drain-timeout", drainTimeout));
        }
        if (listeners != null) {
            int count = Options.count("--listeners", listeners, 1, ServerConfig.MAX_LISTENERS);
            if (count > 1 && threads != null && threads != count) {
                throw new UsageException("--threads " + threads + " with --listeners " + count + ": each listener has"
                        + " one event-loop thread of its own; leave --threads out");
            }
            config = config.withListeners(count);
        }
        healthAddress();
        return config;
    }

    /** The health port's address, checked as an endpoint is: a TCP {@code HOST:PORT}. */
    Optional<InetSocketAddress> healthAddress() {
        if (health == null) {
            return Optional.empty();
        }
        return Optional.of(Options.httpAddress("--health", health));
    }

    /** The health port, started before the server so that it answers 503 while the server starts; or null. */
    Health startHealth() {
        Optional<InetSocketAddress> address = healthAddress();
        if (address.isEmpty()) {
            return null;
        }
        InetSocketAddress where = address.get();
        if (where.isUnresolved()) {
            throw new IllegalStateException("--health: cannot resolve host '" + where.getHostString() + "'");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            HealthServer server = HealthServer.start(where, registry);
            InetSocketAddress bound = server.address();
            LogManager.getLogger(ServeCommand.class)
                    .info(
                            "health checks on http://{}:{}: /live, /ready, /metrics",
                            bound.getAddress() instanceof Inet6Address
                                    ? "[" + bound.getAddress().getHostAddress() + "]"
                                    : bound.getAddress().getHostAddress(),
                            bound.getPort());
            return new Health(server, registry);
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("in use")
                    ? "address already in use"
                    : String.valueOf(e.getMessage());
            throw new IllegalStateException("cannot serve health checks on " + health + ": " + why);
        }
    }

    /** A running health port and the registry its {@code /metrics} scrapes. */
    record Health(HealthServer server, PrometheusMeterRegistry registry) implements AutoCloseable {
        /** Ready while {@code serving} is open: from now until its drain begins. */
        void serve(Server serving) {
            new SocketKitMetrics(serving).bindTo(registry);
            server.readiness(() -> !serving.isClosed());
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
