package dev.socketkit.micrometer;

import com.sun.net.httpserver.HttpExchange;
import dev.socketkit.transport.internal.SmallHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A small HTTP server on a port of its own for an orchestrator's probes and a Prometheus scrape, on the JDK's {@code
 * com.sun.net.httpserver}: a TCP probe cannot say "draining", and a UDP server cannot be probed at all.
 *
 * <table>
 *   <caption>Paths</caption>
 *   <tr><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code GET /live}</td><td>200 while the process runs</td></tr>
 *   <tr><td>{@code GET /ready}</td><td>200 while the {@linkplain #readiness readiness} check says so; 503 before it is
 *       set (starting) and while it says no (draining)</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>the registry's scrape, Prometheus text format 0.0.4</td></tr>
 *   <tr><td>any other path</td><td>404</td></tr>
 *   <tr><td>any other method</td><td>405, {@code Allow: GET}</td></tr>
 * </table>
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * HealthServer health = HealthServer.start(new InetSocketAddress("0.0.0.0", 9090), registry); // /ready: 503
 * Server server = Server.start(config);
 * new SocketKitMetrics(server).bindTo(registry);
 * health.readiness(() -> !server.isClosed()); // 200 until close() begins to drain the server
 * }</pre>
 *
 * <p>Whoever reaches the port must not be able to hurt the socket server beside it. The health server runs on {@value
 * #THREADS} threads of its own and reads no request body; every answer is a few kilobytes at most. The JDK's server
 * takes its limits from system properties, read once per JVM when its first server starts; {@link #start} sets those
 * not set already: a request must arrive whole within {@value #REQUEST_SECONDS} s and its answer be taken within as
 * long ({@code sun.net.httpserver.maxReqTime}, {@code maxRspTime}), with at most {@value #MAX_HEADER_BYTES} bytes of
 * headers ({@code sun.net.httpserver.maxReqHeaderSize}), and at most {@value #MAX_CONNECTIONS} connections are open
 * ({@code jdk.httpserver.maxConnections}; more are closed as they come). So a peer that trickles its request holds one
 * thread for at most that long, and a flood of connections takes at most that many descriptors from the process. A
 * JVM that started a JDK HTTP server before keeps the limits it read then. Bind the port where only the orchestrator
 * and the scraper reach it.
 */
public final class HealthServer implements AutoCloseable {
    /** The threads that answer requests. */
    public static final int THREADS = 2;

    /** How long a request may take to arrive, and its answer to be taken, in seconds. */
    public static final int REQUEST_SECONDS = SmallHttpServer.REQUEST_SECONDS;

    /** The most bytes of request headers. */
    public static final int MAX_HEADER_BYTES = SmallHttpServer.MAX_HEADER_BYTES;

    /** The most connections open at once. */
    public static final int MAX_CONNECTIONS = SmallHttpServer.MAX_CONNECTIONS;

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private SmallHttpServer http;
    private volatile BooleanSupplier ready = () -> false;

    private HealthServer() {}

    /**
     * Binds {@code address} and starts answering; {@code /ready} answers 503 until {@link #readiness} is set.
     *
     * @param address where to listen; port 0 for any free port
     * @param registry the registry {@code /metrics} scrapes
     * @return the running health server; close it to stop it
     * @throws IOException if the address cannot be bound (in use, not an address of this machine, permission denied)
     */
    public static HealthServer start(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(registry, "registry");
        HealthServer health = new HealthServer();
        health.http = SmallHttpServer.start(
                address, "socketkit-health", THREADS, exchange -> health.answer(exchange, registry));
        return health;
    }

    /**
     * Sets what {@code /ready} asks: 200 while {@code check} says true, 503 while it says false. It is asked at each
     * probe, on the health server's threads, so it must be quick and thread-safe.
     *
     * @param check whether the service takes new work now, such as {@code () -> !server.isClosed()}
     */
    public void readiness(BooleanSupplier check) {
        ready = Objects.requireNonNull(check, "check");
    }

    /** {@return where the health server listens, with the real port when port 0 was asked for} */
    public InetSocketAddress address() {
        return http.address();
    }

    /** Stops listening and answering at once; closing again does nothing. */
    @Override
    public void close() {
        http.close();
    }

    private void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/live") || path.equals("/ready") || path.equals("/metrics");
            if (!known) {
                send(exchange, 404, TEXT, "not found: try /live, /ready or /metrics\n");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, TEXT, exchange.getRequestMethod() + " is not allowed: use GET\n");
            } else if (path.equals("/live")) {
                send(exchange, 200, TEXT, "live\n");
            } else if (path.equals("/ready")) {
                boolean yes = ready.getAsBoolean();
                send(exchange, yes ? 200 : 503, TEXT, yes ? "ready\n" : "not ready\n");
            } else {
                send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        SmallHttpServer.send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }
}
