package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMEOUT;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code serve --listeners N}: {@code ss} lists N sockets on the port, and clients from many source ports are served
 * by all N event loops (the JSON log lines name the thread that served each).
 */
@Timeout(90)
class ServeListenersIT {
    private static final int CLIENTS = 64;

    private SocketKitProcess socketkit;

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"epoll, tcp", "epoll, udp", "io_uring, tcp", "io_uring, udp"})
    void everyListenerServes(String io, String scheme) throws Exception {
        assumeTrue(Transport.valueOf(io.toUpperCase(Locale.ROOT)).isAvailable(), io + " is not available");
        assumeTrue(SocketKitProcess.installed("ss"), "ss (iproute2) is not installed");
        socketkit = SocketKitProcess.start(
                "serve",
                "echo",
                scheme + "://127.0.0.1:0",
                "--io",
                io,
                "--listeners",
                "2",
                "-v",
                "--log-format",
                "json");
        String endpoint = socketkit.awaitListening(START_TIMEOUT);
        int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        assertEquals(2, ss(scheme, port), "sockets ss lists on port " + port);

        Predicate<String> served;
        if (scheme.equals("tcp")) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    sockets.add(socket);
                    socket.getOutputStream().write('x');
                    assertEquals('x', socket.getInputStream().read());
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            served = message -> message.startsWith("connected ");
        } else {
            for (int i = 0; i < CLIENTS; i++) {
                try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    client.setSoTimeout(10_000);
                    byte[] hello = ("hello " + i).getBytes(US_ASCII);
                    client.send(new DatagramPacket(hello, hello.length, InetAddress.getLoopbackAddress(), port));
                    DatagramPacket echo = new DatagramPacket(new byte[64], 64);
                    client.receive(echo);
                    assertArrayEquals(hello, Arrays.copyOf(echo.getData(), echo.getLength()));
                }
            }
            served = message -> message.startsWith("from ");
        }
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), socketkit::toString);
        Set<String> threads = new TreeSet<>();
        int count = 0;
        for (String line : socketkit.stderr()) {
            var object = Json.object(line);
            if (served.test((String) object.get("message"))) {
                threads.add((String) object.get("thread"));
                count++;
            }
        }
        assertEquals(CLIENTS, count, socketkit::toString);
        assertEquals(2, threads.size(), () -> "threads that served: " + threads);
        assertTrue(
                socketkit.stderr().stream().anyMatch(line -> line.contains("2 listeners closed")), socketkit::toString);
    }

    @Test
    void refusedWhereNoPortCanBeShared() throws Exception {
        String[][] cases = {
            {"tcp://127.0.0.1:0", "--io", "nio", "SO_REUSEPORT", "not nio"},
            {"unix:///tmp/socketkit-listeners-test.sock", "--io", "epoll", "SO_REUSEPORT", "unix sockets"},
            {"tcp://127.0.0.1:0", "--threads", "3", "--threads 3", "--listeners 2"},
        };
        for (String[] bad : cases) {
            try (SocketKitProcess refused =
                    SocketKitProcess.start("serve", "echo", bad[0], bad[1], bad[2], "--listeners", "2")) {
                refused.assertRefused(EXIT_USAGE, bad[3], bad[4]);
            }
        }
        try (SocketKitProcess refused = SocketKitProcess.start("serve", "echo", "--listeners", "0")) {
            refused.assertRefused(EXIT_USAGE, "--listeners", "1-1024");
        }
    }

    /** The sockets {@code ss} lists bound to {@code port}: listening TCP sockets, or UDP sockets. */
    private static int ss(String scheme, int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-H", scheme.equals("tcp") ? "-ltn" : "-lun", "sport = :" + port)
                .redirectErrorStream(true)
                .start();
        String out = new String(ss.getInputStream().readAllBytes(), US_ASCII);
        assertTrue(ss.waitFor(10, TimeUnit.SECONDS), "ss did not finish");
        assertEquals(0, ss.exitValue(), out);
        return (int) out.lines().filter(line -> !line.isBlank()).count();
    }
}
