package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.net.Socket;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code socketkit relay} run as a real process: its listening line, relaying, -v's lines, SIGTERM, bad input. */
@Timeout(60)
class RelayCommandIT {
    private static final Pattern LOOPBACK_TCP = Pattern.compile("tcp://127\\.0\\.0\\.1:(\\d+)");

    private SocketKitProcess socketkit;

    @AfterEach
    void stop() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void printsOneListeningLineRelaysLogsEachConnectionWithVerboseAndStopsOnSigterm() throws Exception {
        try (Server echo = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            String endpoint = startAndExchange(echo, "ping", "-v");
            String opened = socketkit.awaitStderrLine(line -> line.contains("connection 1 opened"), START_TIMEOUT);
            assertTrue(
                    opened.contains(":" + echo.endpoint().port()),
                    "the line names the client and the target: " + opened);
            String closed = socketkit.awaitStderrLine(line -> line.contains("connection 1 closed"), START_TIMEOUT);
            assertTrue(closed.contains("4 bytes up, 4 bytes down"), "the bytes each way at close: " + closed);
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
            assertEquals(List.of("listening " + endpoint), socketkit.stdout());
        }
    }

    @Test
    void hexdumpDumpsBothSidesBothWaysOnStderrAndStdoutStaysTheListeningLine() throws Exception {
        try (Server echo = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            String endpoint = startAndExchange(echo, "hexdump", "--hexdump");
            String port = String.valueOf(Endpoint.parse(endpoint).port());
            String target = "127.0.0.1:" + echo.endpoint().port();
            // The client's side: what it sent read, the echo written back; the target's side: the same, the other way.
            socketkit.awaitStderrLine(
                    line -> line.matches("read 7 bytes: 127\\.0\\.0\\.1:" + port + " <- .*"), START_TIMEOUT);
            socketkit.awaitStderrLine(line -> line.matches("wrote 7 bytes: .* -> " + target), START_TIMEOUT);
            socketkit.awaitStderrLine(line -> line.matches("read 7 bytes: .* <- " + target), START_TIMEOUT);
            socketkit.awaitStderrLine(
                    line -> line.matches("wrote 7 bytes: 127\\.0\\.0\\.1:" + port + " -> .*"), START_TIMEOUT);
            socketkit.awaitStderrLine(line -> line.contains("68 65 78 64 75 6d 70"), START_TIMEOUT);
            socketkit.sigterm();
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), socketkit::toString);
            assertEquals(List.of("listening " + endpoint), socketkit.stdout());
        }
    }

    /** Starts {@code socketkit relay} to {@code echo} with {@code option}, sends {@code text} through, reads the echo. */
    private String startAndExchange(Server echo, String text, String option) throws Exception {
        socketkit = SocketKitProcess.start(
                "relay", "tcp://127.0.0.1:0", echo.endpoint().toString(), option);
        String endpoint = socketkit.awaitListening(START_TIMEOUT);
        Matcher port = LOOPBACK_TCP.matcher(endpoint);
        assertTrue(port.matches(), "the listening line names the real endpoint: " + endpoint);
        try (Socket client = new Socket("127.0.0.1", Integer.parseInt(port.group(1)))) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(text.getBytes(US_ASCII));
            assertEquals(text, new String(client.getInputStream().readNBytes(text.length()), US_ASCII));
        }
        return endpoint;
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "udp://127.0.0.1:9"),
                        List.of("cannot relay the stream socket tcp://127.0.0.1:0 to the datagram socket")),
                Arguments.of(
                        List.of("relay", "unixgram:///tmp/x.sock", "unix:///tmp/y.sock"),
                        List.of("cannot relay the datagram socket", "one family")),
                Arguments.of(List.of("relay", "http://x:1", "tcp://127.0.0.1:9"), List.of("bad endpoint")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--max-sessions", "5"),
                        List.of("--max-sessions applies to datagram relays", "not tcp")),
                Arguments.of(
                        List.of("relay", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--connect-timeout", "1s"),
                        List.of("--connect-timeout applies to stream relays", "not udp")),
                Arguments.of(
                        List.of("relay", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--max-sessions", "0"),
                        List.of("--max-sessions", "out of range")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--max-connections", "0"),
                        List.of("--max-connections", "out of range")),
                Arguments.of(
                        List.of("relay", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--max-connections", "5"),
                        List.of("--max-connections applies to stream relays", "not udp")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--target-pin", "ab"),
                        List.of("--target-pin needs a tls:// TARGET")),
                Arguments.of(
                        List.of("relay", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--tls"), List.of("--tls", "udp")),
                Arguments.of(List.of("relay", "tcp://127.0.0.1:0"), List.of("TARGET")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--events", ""),
                        List.of("--events '' names no file", "- for stdout")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--events", "/nonexistent/x.log"),
                        List.of("--events /nonexistent/x.log", "cannot open it")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--buffer-size", "0"),
                        List.of("--buffer-size", "out of range 1-")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--threads", "0"),
                        List.of("--threads", "out of range", "1-1024")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--connect-timeout", "-1s"),
                        List.of("--connect-timeout", "not a duration")),
                Arguments.of(
                        List.of("relay", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--session-idle-timeout", "0"),
                        List.of("--session-idle-timeout", "more than zero")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tcp://127.0.0.1:9", "--idle-timeout", "soon"),
                        List.of("--idle-timeout", "not a duration", "0 or none for no limit")),
                Arguments.of(
                        List.of("relay", "udp://127.0.0.1:0", "udp://127.0.0.1:9", "--idle-timeout", "1m"),
                        List.of("--idle-timeout applies to stream relays", "not udp")),
                Arguments.of(
                        List.of("relay", "tcp://127.0.0.1:0", "tls://127.0.0.1:9", "--target-ca", "/nonexistent.pem"),
                        List.of("--target-ca", "no such certificate file")));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void refusesBadInputInOneLineWithExitTwo(List<String> args, List<String> phrases) throws Exception {
        socketkit = SocketKitProcess.start(args.toArray(String[]::new));
        socketkit.assertRefused(EXIT_USAGE, phrases.toArray(String[]::new));
    }
}
