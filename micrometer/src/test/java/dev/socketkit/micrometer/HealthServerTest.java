package dev.socketkit.micrometer;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The health server over real HTTP: the JDK's client for well-behaved probes, raw sockets for hostile ones. */
@Timeout(60)
class HealthServerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HealthServer health;

    @BeforeEach
    void startHealthServer() throws IOException {
        health = HealthServer.start(new InetSocketAddress("127.0.0.1", 0), registry);
    }

    @AfterEach
    void stopHealthServer() {
        health.close();
    }

    @Test
    void readyOnlyBetweenTheStartAndTheDrainAndLiveThroughout() throws Exception {
        assertEquals(200, get("/live").statusCode());
        assertEquals(503, get("/ready").statusCode(), "no readiness check yet: starting");
        Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.anyLocal(SocketKind.TCP)));
        try {
            health.readiness(() -> !server.isClosed());
            HttpResponse<String> ready = get("/ready");
            assertEquals(200, ready.statusCode());
            assertEquals("ready\n", ready.body());
        } finally {
            server.close();
        }
        assertEquals(503, get("/ready").statusCode(), "closed: draining");
        assertEquals(200, get("/live").statusCode());
    }

    @Test
    void metricsAreTheServersCountersInPrometheusText() throws Exception {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.anyLocal(SocketKind.TCP)))) {
            new SocketKitMetrics(server).bindTo(registry);
            Endpoint endpoint = server.endpoint();
            try (Socket client = new Socket(endpoint.host(), endpoint.port())) {
                client.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
            }
            HttpResponse<String> metrics = get("/metrics");
            assertEquals(200, metrics.statusCode());
            assertEquals(
                    "text/plain; version=0.0.4; charset=utf-8",
                    metrics.headers().firstValue("Content-Type").orElse(""));
            String line = "socketkit_server_connections_accepted_connections_total{endpoint=\"" + endpoint + "\"} 1.0";
            assertTrue(
                    metrics.body().lines().anyMatch(line::equals), () -> "no line " + line + " in " + metrics.body());
        }
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/live/more").statusCode());
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(uri("/live"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void aPeerThatTricklesItsRequestIsClosedAndTheProbesGoOn() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try (Server echo = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.anyLocal(SocketKind.TCP)))) {
            // More peers than threads, each with a request begun and never ended: each holds a thread while it waits.
            for (int i = 0; i < HealthServer.THREADS + 2; i++) {
                Socket socket = new Socket("127.0.0.1", health.address().getPort());
                stalled.add(socket);
                socket.getOutputStream().write("GET /live HTTP/1.1\r\nHost: x\r\n".getBytes(US_ASCII));
            }
            // The socket server beside it is not touched.
            try (Socket client =
                    new Socket(echo.endpoint().host(), echo.endpoint().port())) {
                client.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
            }
            for (Socket socket : stalled) {
                assertTrue(closedByPeer(socket, Duration.ofSeconds(30)), "a trickled request must be cut off");
            }
            assertEquals(200, get("/live").statusCode());
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedAsTheyCome() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < HealthServer.MAX_CONNECTIONS + 4; i++) {
                sockets.add(new Socket("127.0.0.1", health.address().getPort()));
            }
            // Silent connections stay open up to the request time; the last ones are over the limit from the start.
            for (Socket late : sockets.subList(HealthServer.MAX_CONNECTIONS, sockets.size())) {
                assertTrue(
                        closedByPeer(late, Duration.ofSeconds(HealthServer.REQUEST_SECONDS - 2)),
                        "a connection over the limit must be closed at once");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Whether the peer closes {@code socket} (an end of input or a reset) within {@code wait}. */
    private static boolean closedByPeer(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // An answer to a request cut off (408, 400) may come first; the close is what counts.
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + health.address().getPort() + path);
    }
}
