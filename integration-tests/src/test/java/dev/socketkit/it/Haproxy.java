package dev.socketkit.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's {@code haproxy}; {@code .ci/run} installs it) run by a test as a child process: one TCP
 * frontend on a free loopback port per backend server line, written into an {@code haproxy.cfg} of the test's own.
 * HAProxy cannot bind port 0, so a free port is found by binding one and closing it, and taken again if another
 * process wins it first. Closing stops the process; every wait is bounded.
 */
final class Haproxy implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 5;

    private final Process process;
    private final List<Integer> ports;
    private final Path log;

    private Haproxy(Process process, List<Integer> ports, Path log) {
        this.process = process;
        this.ports = ports;
        this.log = log;
    }

    /** The haproxy binary, or a skipped test saying it is not installed. */
    static Path binary() {
        List<Path> candidates =
                new ArrayList<>(List.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/local/sbin/haproxy")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "haproxy"));
            }
        }
        Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
        assumeTrue(
                found.isPresent(),
                "haproxy not installed: looked in /usr/sbin, /usr/local/sbin and PATH (apt-get install haproxy)");
        return found.get();
    }

    /**
     * Starts HAProxy in front of {@code servers}: for each, a frontend on a free loopback port that forwards every
     * connection to it. Each entry is the rest of a {@code server} line after its name, such as {@code 127.0.0.1:8090
     * send-proxy-v2}.
     */
    static Haproxy start(Path directory, String... servers) throws Exception {
        Path binary = binary();
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<Integer> ports = new ArrayList<>();
            StringBuilder cfg = new StringBuilder("""
                    global
                        maxconn 256
                    defaults
                        mode tcp
                        timeout connect 5s
                        timeout client 30s
                        timeout server 30s
                    """);
            for (int i = 0; i < servers.length; i++) {
                int port = freePort();
                ports.add(port);
                cfg.append("frontend in")
                        .append(i)
                        .append("\n    bind 127.0.0.1:")
                        .append(port);
                cfg.append("\n    default_backend out").append(i).append('\n');
                cfg.append("backend out")
                        .append(i)
                        .append("\n    server s")
                        .append(i)
                        .append(' ');
                cfg.append(servers[i]).append('\n');
            }
            Path config = Files.writeString(directory.resolve("haproxy.cfg"), cfg);
            Path log = directory.resolve("haproxy-" + attempt + ".log");
            Process process = new ProcessBuilder(binary.toString(), "-f", config.toString(), "-db")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Haproxy haproxy = new Haproxy(process, ports, log);
            if (haproxy.awaitListening()) {
                return haproxy;
            }
            last = new IOException("haproxy did not start: " + haproxy);
            haproxy.close(); // most likely a port taken between our check and its bind: try others
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * Waits until every frontend listens, or HAProxy exits; true if it listens. Linux says so in {@code /proc/net/tcp}
     * without a connection, which HAProxy would pass on to the server as one more client; elsewhere a connection has
     * to tell.
     */
    private boolean awaitListening() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        for (int port : ports) {
            while (!listening(port)) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.sleep(20);
            }
        }
        return process.isAlive();
    }

    private static boolean listening(int port) throws IOException {
        Path table = Path.of("/proc/net/tcp");
        if (Files.isReadable(table)) {
            // local_address 0100007F:1F9A (127.0.0.1:8090, little-endian address), state 0A (LISTEN)
            String local = String.format("0100007F:%04X", port);
            try (var lines = Files.lines(table)) {
                return lines.map(String::trim)
                        .map(line -> line.split("\\s+"))
                        .anyMatch(fields -> fields.length > 3 && fields[1].equals(local) && fields[3].equals("0A"));
            }
        }
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** {@return the loopback port of the frontend before the {@code index}th server} */
    int port(int index) {
        return ports.get(index);
    }

    /** Stops HAProxy: SIGTERM, then SIGKILL if it has not exited within 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        String output;
        try {
            output = Files.readString(log);
        } catch (IOException unreadable) {
            output = "(no log: " + unreadable.getMessage() + ")";
        }
        return "haproxy " + (process.isAlive() ? "running" : "exit " + process.exitValue()) + " on " + ports + ": "
                + output.strip();
    }
}
