package dev.socketkit.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The options of {@code socketkit serve} reach the server: IPv6 endpoints, the three texts, backlog, socket options. */
@Timeout(60)
class ServeOptionsIT {
    private SocketKitProcess socketkit;

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void welcomeOnIpv6LoopbackUsesTheGivenGreetingAndPrefix() throws Exception {
        assumeTrue(ipv6Loopback(), "::1 is not configured on this machine");
        socketkit = SocketKitProcess.start("serve", "welcome", "tcp://[::1]:0", "--greeting", "hi!", "--prefix", "> ");
        URI endpoint = URI.create(socketkit.awaitListening(SocketKitProcess.START_TIMEOUT));
        assertEquals("[::1]", endpoint.getHost());
        try (Socket client = connect("::1", endpoint.getPort())) {
            assertEquals("hi!", read(client.getInputStream(), 3));
            client.getOutputStream().write("x".getBytes(UTF_8));
            assertEquals("> x", read(client.getInputStream(), 3));
        }
    }

    @Test
    void replyAnswersTheGivenText() throws Exception {
        socketkit = SocketKitProcess.start("serve", "reply", "tcp://127.0.0.1:0", "--reply", "bye now");
        URI endpoint = URI.create(socketkit.awaitListening(SocketKitProcess.START_TIMEOUT));
        try (Socket client = connect("127.0.0.1", endpoint.getPort())) {
            client.getOutputStream().write("hello".getBytes(UTF_8));
            assertEquals("bye now", new String(client.getInputStream().readAllBytes(), UTF_8));
        }
    }

    @Test
    void backlogAndSocketOptionsAreSetOnTheListeningSocket() throws Exception {
        socketkit = SocketKitProcess.start(
                "serve", "echo", "tcp://127.0.0.1:0", "-v", "--backlog", "7", "--sockopt", "SO_REUSEADDR=false");
        socketkit.awaitListening(SocketKitProcess.START_TIMEOUT);
        String options = socketkit.awaitStderrLine(line -> line.contains("options {"), SocketKitProcess.START_TIMEOUT);
        assertTrue(options.contains("SO_BACKLOG=7"), options);
        assertTrue(options.contains("SO_REUSEADDR=false"), options);
    }

    private static boolean ipv6Loopback() {
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (UnknownHostException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String read(InputStream in, int length) throws IOException {
        return new String(in.readNBytes(length), UTF_8);
    }
}
