package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMEOUT;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code socketkit toxiproxy} and {@code socketkit relay --api} as real processes: they print their listening line,
 * serve Toxiproxy's API to curl (a client we did not write), relay through the proxy, and exit 0 on SIGTERM; an API
 * address off loopback is refused.
 */
@Timeout(90)
class ToxiproxyCommandIT {
    private SocketKitProcess socketkit;

    @AfterEach
    void kill() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void servesTheApiAndStopsOnSigterm() throws Exception {
        assumeTrue(SocketKitProcess.installed("curl"), "curl is not installed");
        try (Server echo = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            socketkit = SocketKitProcess.start("toxiproxy", "--api", "127.0.0.1:0");
            String url = socketkit.awaitListening(START_TIMEOUT);
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), url);
            String created = curl(
                    url + "/proxies",
                    "-X",
                    "POST",
                    "-d",
                    "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:"
                            + echo.endpoint().port() + "\"}");
            assertTrue(created.startsWith("201 "), created);
            Map<String, Object> proxy = Json.object(created.substring(4));
            String listen = (String) proxy.get("listen");
            int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
            }
            String version = curl(url + "/version");
            assertTrue(version.startsWith("200 {\"version\": \"socketkit "), version);
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
        }
    }

    @Test
    void aRelayWithApiIsTheApisProxyNamedRelay() throws Exception {
        assumeTrue(SocketKitProcess.installed("curl"), "curl is not installed");
        try (Server echo = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            socketkit = SocketKitProcess.start(
                    "relay",
                    "127.0.0.1:0",
                    echo.endpoint().toString(),
                    "--fault",
                    "latency:latency=5ms",
                    "--api",
                    "127.0.0.1:0");
            String listening = socketkit.awaitListening(START_TIMEOUT);
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
            String logged = socketkit.awaitStderrLine(line -> line.contains("Toxiproxy API on http://"), START_TIMEOUT);
            Matcher api = Pattern.compile("http://127\\.0\\.0\\.1:\\d+").matcher(logged);
            assertTrue(api.find(), logged);
            String proxies = curl(api.group() + "/proxies");
            assertTrue(proxies.startsWith("200 "), proxies);
            @SuppressWarnings("unchecked")
            Map<String, Object> relay =
                    (Map<String, Object>) Json.object(proxies.substring(4)).get("relay");
            assertEquals("127.0.0.1:" + port, relay.get("listen"), proxies);
            Map<?, ?> latency = (Map<?, ?>) ((List<?>) relay.get("toxics")).get(0);
            assertEquals("latency_downstream", latency.get("name"), proxies);
            assertEquals(
                    Map.of("latency", 5.0, "jitter", 0.0), latency.get("attributes"), "--fault's, in milliseconds");
            String toxic = curl(
                    api.group() + "/proxies/relay/toxics",
                    "-X",
                    "POST",
                    "-d",
                    "{\"type\":\"limit_data\",\"attributes\":{\"bytes\":2}}");
            assertTrue(toxic.startsWith("200 "), toxic);
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("pi", new String(client.getInputStream().readAllBytes(), US_ASCII));
            }
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
        }
    }

    @Test
    void aRelaysApiOffLoopbackIsRefusedBeforeAnythingIsBound() throws Exception {
        socketkit = SocketKitProcess.start("relay", "127.0.0.1:0", "127.0.0.1:9", "--api", "0.0.0.0:8474");
        socketkit.assertRefused(EXIT_USAGE, "--api 0.0.0.0:8474 is not a loopback address");
    }

    @Test
    void allowingRemoteWithoutAnApiIsRefused() throws Exception {
        socketkit = SocketKitProcess.start("relay", "127.0.0.1:0", "127.0.0.1:9", "--api-allow-remote");
        socketkit.assertRefused(EXIT_USAGE, "--api-allow-remote needs --api");
    }

    @Test
    void anAddressOffLoopbackIsRefused() throws Exception {
        socketkit = SocketKitProcess.start("toxiproxy", "--api", "0.0.0.0:0");
        socketkit.assertRefused(EXIT_USAGE, "--api 0.0.0.0:0 is not a loopback address", "--api-allow-remote");
    }

    @Test
    void anAddressThatIsNotHostAndPortIsRefused() throws Exception {
        socketkit = SocketKitProcess.start("toxiproxy", "--api", "unix:///tmp/api.sock");
        socketkit.assertRefused(EXIT_USAGE, "--api takes HOST:PORT");
    }

    @Test
    void aPortInUseIsARuntimeFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socketkit = SocketKitProcess.start("toxiproxy", "--api", "127.0.0.1:" + taken.getLocalPort());
            socketkit.assertRefused(EXIT_FAILURE, "cannot serve the Toxiproxy API on", "address already in use");
        }
    }

    /** {@code curl}'s status code, a space and the body. */
    private static String curl(String url, String... more) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("curl", "-s", "--max-time", "10", "-w", "\\n%{http_code}", "-o", "-"));
        command.addAll(List.of(more));
        command.add(url);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), US_ASCII);
        assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl did not finish");
        int last = out.lastIndexOf('\n');
        return out.substring(last + 1) + " " + out.substring(0, last).strip();
    }
}
