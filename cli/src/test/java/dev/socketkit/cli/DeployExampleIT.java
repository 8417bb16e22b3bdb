package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMEOUT;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.internal.Durations;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code deploy/kubernetes.yaml} says what a real {@code serve} does: its args run as they are written (hosts and ports
 * swapped for loopback and free ones), its probes get the answers a kubelet wants from the port the args name, and its
 * grace period outlasts the drain. There is no YAML library here: the manifest keeps the parts read below one per line.
 */
@Timeout(60)
class DeployExampleIT {
    private static final Pattern HEALTH = Pattern.compile("health checks on http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void theManifestsArgsRunAndAnswerItsProbes() throws Exception {
        String manifest = Files.readString(manifest());
        List<String> args = stringList(one(manifest, "(?m)^\\s*args: (\\[.*\\])$"));
        int servePort = Integer.parseInt(one(manifest, "(?m)name: echo\\s+containerPort: (\\d+)"));
        int healthPort = Integer.parseInt(one(manifest, "(?m)name: health\\s+containerPort: (\\d+)"));
        assertTrue(args.contains("tcp://0.0.0.0:" + servePort), () -> "the echo port is not in " + args);
        assertEquals("0.0.0.0:" + healthPort, after(args, "--health"));
        assertEquals(
                List.of("/ready", "/live"),
                all(manifest, "(?m)httpGet:\\s+path: (\\S+)\\s+port: health"),
                "the readiness and liveness probes, on the health port");
        Duration drain =
                Durations.parse(after(args, "--drain-delay")).plus(Durations.parse(after(args, "--drain-timeout")));
        long grace = Long.parseLong(one(manifest, "terminationGracePeriodSeconds: (\\d+)"));
        assertTrue(grace > drain.toSeconds(), "terminationGracePeriodSeconds must outlast the drain: " + drain);
        assertEquals("/metrics", one(manifest, "prometheus.io/path: (\\S+)"), "the scrape path the annotations give");
        assertEquals(String.valueOf(healthPort), one(manifest, "prometheus.io/port: \"(\\d+)\""), "the scrape port");

        List<String> local = new ArrayList<>();
        for (String arg : args) {
            local.add(
                    arg.replace("0.0.0.0:" + servePort, "127.0.0.1:0").replace("0.0.0.0:" + healthPort, "127.0.0.1:0"));
        }
        try (SocketKitProcess socketkit = SocketKitProcess.start(local.toArray(String[]::new))) {
            String endpoint = socketkit.awaitListening(START_TIMEOUT);
            Matcher health = HEALTH.matcher(
                    socketkit.awaitStderrLine(line -> HEALTH.matcher(line).find(), START_TIMEOUT));
            assertTrue(health.find());
            int port = Integer.parseInt(health.group(1));
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/ready", "/live", "/metrics")) {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), path);
            }
            int serve = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
            try (Socket client = new Socket("127.0.0.1", serve)) {
                client.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("ping", new String(client.getInputStream().readNBytes(4), US_ASCII));
            }
            assertTrue(socketkit.stderr().stream().allMatch(line -> line.startsWith("{")), "--log-format json");
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
        }
    }

    private static Path manifest() {
        String dir = System.getProperty("socketkit.deploy");
        if (dir == null) {
            throw new IllegalStateException("system property socketkit.deploy must name the deploy folder (run 'mvn"
                    + " verify' in cli, which sets it)");
        }
        return Path.of(dir, "kubernetes.yaml");
    }

    /** A YAML flow sequence of double-quoted strings, which is JSON. */
    @SuppressWarnings("unchecked")
    private static List<String> stringList(String flow) {
        return (List<String>) Json.parse(flow);
    }

    private static String after(List<String> args, String option) {
        int at = args.indexOf(option);
        assertTrue(at >= 0 && at + 1 < args.size(), () -> "no " + option + " in " + args);
        return args.get(at + 1);
    }

    private static String one(String text, String regex) {
        List<String> found = all(text, regex);
        assertEquals(1, found.size(), () -> "'" + regex + "' must match once, matched " + found);
        return found.get(0);
    }

    private static List<String> all(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
