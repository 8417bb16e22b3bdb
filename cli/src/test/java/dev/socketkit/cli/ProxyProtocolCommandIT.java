package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Guard;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PROXY protocol from the command line: {@code send --send-proxy} and {@code bench --send-proxy} against {@code
 * serve --proxy-protocol} (each run as users run them), the client a forged header names in serve's log, a plain
 * client refused and counted in the totals, and every misuse a usage error in one line.
 */
@Timeout(90)
class ProxyProtocolCommandIT {
    /** send's status for a reply that never came, spelled out as SocketKitProcess spells out the others. */
    private static final int EXIT_TIMEOUT = 3;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : open) {
            each.close();
        }
    }

    private SocketKitProcess start(String... args) throws Exception {
        SocketKitProcess process = SocketKitProcess.start(args);
        open.add(process);
        return process;
    }

    @Test
    void sendWithEitherHeaderIsServedByServeProxyProtocolOverTcpAndUnix() throws Exception {
        for (String where : List.of("tcp://127.0.0.1:0", "unix://" + dir.resolve("proxied.sock"))) {
            String endpoint = start("serve", "echo", where, "--proxy-protocol").awaitListening(START_TIMEOUT);
            for (String version : List.of("v1", "v2")) {
                SocketKitProcess send = start("send", endpoint, "--send-proxy", version, "hello " + version);
                assertEquals(EXIT_OK, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
                assertEquals(List.of("hello " + version), send.stdout(), send::toString);
            }
        }
    }

    /** serve logs the client the header names, not the socket's peer: that is the point, and why only a proxy may. */
    @Test
    void serveLogsTheClientAForgedHeaderNames() throws Exception {
        SocketKitProcess serve = start("serve", "echo", "tcp://127.0.0.1:0", "--proxy-protocol");
        int port = Endpoint.parse(serve.awaitListening(START_TIMEOUT)).port();
        try (Socket proxy = new Socket(InetAddress.getLoopbackAddress(), port)) {
            proxy.getOutputStream()
                    .write(("PROXY TCP4 203.0.113.9 127.0.0.1 4242 " + port + "\r\nping").getBytes(US_ASCII));
            assertEquals("ping", new String(proxy.getInputStream().readNBytes(4), US_ASCII));
        }
        serve.awaitStderrLine(line -> line.contains("connected /203.0.113.9:4242"), START_TIMEOUT);
    }

    @Test
    void aPlainClientIsClosedAtTheDeadlineCountedAndInTheTotals() throws Exception {
        // Long enough for each send below, a JVM of its own, to write its first bytes after connecting on a busy
        // machine (at 300ms, with the load average above 10, the deadline closed both sends before they wrote).
        SocketKitProcess serve =
                start("serve", "echo", "tcp://127.0.0.1:0", "--proxy-protocol", "--proxy-header-timeout", "2s", "-v");
        String endpoint = serve.awaitListening(START_TIMEOUT);
        try (Socket plain = new Socket(
                InetAddress.getLoopbackAddress(), Endpoint.parse(endpoint).port())) {
            plain.setSoTimeout((int) START_TIMEOUT.toMillis());
            InputStream in = plain.getInputStream();
            assertEquals(-1, in.read(), "closed, with nothing sent");
        }
        serve.awaitStderrLine(line -> line.contains("no PROXY header within 2s"), START_TIMEOUT);
        // The same send unanswered without a header, served with one: it is the header that gets it served.
        SocketKitProcess plainSend = start("send", endpoint, "hello");
        assertEquals(EXIT_TIMEOUT, plainSend.awaitExit(SocketKitProcess.EXIT_TIMEOUT), plainSend::toString);
        assertEquals(List.of(), plainSend.stdout());
        SocketKitProcess send = start("send", endpoint, "--send-proxy", "v1", "hello");
        assertEquals(EXIT_OK, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
        assertEquals(List.of("hello"), send.stdout());
        serve.sigterm();
        assertEquals(EXIT_OK, serve.awaitExit(SocketKitProcess.EXIT_TIMEOUT), serve::toString);
        assertTrue(
                serve.stderr().stream().anyMatch(line -> line.contains("2 " + Guard.PROXY_HEADER.description())),
                serve::toString);
    }

    /** bench writes the header on every connection: connrate's, one per cycle, and pingpong's. */
    @ParameterizedTest
    @ValueSource(strings = {"connrate", "pingpong"})
    void benchWithAHeaderRunsCleanAgainstAProxyProtocolServer(String mode) {
        Server server = Server.start(ServerConfig.defaults()
                .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))
                .withProxyProtocol(true));
        open.add(server);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err))
                .execute(
                        "bench",
                        server.endpoint().toString(),
                        "--mode",
                        mode,
                        "-c",
                        "2",
                        "--send-proxy",
                        mode.equals("connrate") ? "v2" : "v1",
                        "--duration",
                        "300ms",
                        "--warmup",
                        "0",
                        "--json");
        assertEquals(EXIT_OK, status, () -> out + " " + err);
        Map<String, Object> json = Json.object(out.toString().strip());
        assertEquals(Boolean.TRUE, json.get("ok"), json::toString);
        assertEquals(0L, server.stats().count(Guard.PROXY_HEADER), () -> server.stats()
                .summary());
        assertTrue(server.stats().acceptedConnections() > 2 || mode.equals("pingpong"), json::toString);
    }

    @Test
    void misuseIsAUsageErrorInOneLine() throws Exception {
        start("serve", "echo", "udp://127.0.0.1:0", "--proxy-protocol")
                .assertRefused(EXIT_USAGE, "--proxy-protocol applies to stream sockets (tcp, unix), not udp");
        start("serve", "echo", "tcp://127.0.0.1:0", "--proxy-header-timeout", "1s")
                .assertRefused(EXIT_USAGE, "--proxy-header-timeout applies with --proxy-protocol");
        start("serve", "echo", "tcp://127.0.0.1:0", "--proxy-protocol", "--proxy-header-timeout", "soon")
                .assertRefused(EXIT_USAGE, "--proxy-header-timeout: 'soon' is not a duration");
        start("send", "udp://127.0.0.1:9", "--send-proxy", "v1", "x")
                .assertRefused(EXIT_USAGE, "--send-proxy applies to stream sockets (tcp, unix), not udp");
        start("send", "tcp://127.0.0.1:9", "--send-proxy", "v3", "x")
                .assertRefused(EXIT_USAGE, "--send-proxy: 'v3' is not a PROXY protocol version; give v1 or v2");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err))
                .execute("bench", "unixgram://" + dir.resolve("g.sock"), "--send-proxy", "v2");
        assertEquals(EXIT_USAGE, status);
        assertEquals(
                "socketkit: --send-proxy applies to stream sockets (tcp, unix), not unixgram" + System.lineSeparator(),
                err.toString());
        assertEquals("", out.toString());
    }

    /** What help says: the user finds the options where the other guards and client options are. */
    @Test
    void helpNamesTheOptions() {
        for (String[] command :
                new String[][] {{"serve", "--proxy-protocol"}, {"send", "--send-proxy"}, {"bench", "--send-proxy"}}) {
            StringWriter out = new StringWriter();
            SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(new StringWriter()))
                    .execute(command[0], "--help");
            assertTrue(out.toString().contains(command[1]), () -> command[0] + " --help: " + out);
        }
    }
}
