package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.Transport;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting and stopping: the real port after port 0, the socket file removed, a second close harmless, and a close
 * that lets every pending echo out first.
 */
@Timeout(60)
class LifecycleIT {
    @TempDir
    Path directory;

    @TransportTest
    void closeRemovesTheUnixStreamSocketFile(Transport transport) {
        closeRemovesTheSocketFile(transport, Endpoints.unix(directory));
    }

    @TransportTest
    void closeRemovesTheUnixDatagramSocketFile(Transport transport) {
        closeRemovesTheSocketFile(transport, Endpoints.unixgram(directory));
    }

    private static void closeRemovesTheSocketFile(Transport transport, Endpoint endpoint) {
        Path socketFile = Path.of(endpoint.path());
        Server server = Transports.start(transport, echo(endpoint));
        try {
            assertTrue(Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS), "the server should create " + socketFile);
        } finally {
            server.close();
        }
        assertFalse(Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS), socketFile + " left behind after close");
    }

    @TransportTest
    void closingTwiceIsHarmless(Transport transport) throws Exception {
        Server server = Transports.start(transport, echo(Endpoints.tcp()));
        server.close();
        server.close();
        assertTrue(server.isClosed());
        assertThrows(
                ConnectException.class,
                () -> StreamClient.connect(server.endpoint()).close(),
                "connecting to a closed server should be refused");
    }

    @TransportTest
    void tcpPortZeroReportsTheRealPort(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, echo(Endpoints.tcp()));
                StreamClient client = StreamClient.connect(server.endpoint())) {
            assertNotEquals(0, server.endpoint().port(), "the endpoint should name the port the OS chose");
            client.write(Text.bytes("ping"));
            assertEquals("ping", Text.string(client.readExactly(4)));
        }
    }

    @TransportTest
    void udpPortZeroReportsTheRealPort(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, echo(Endpoints.udp()));
                UdpClient client = UdpClient.connect(server.endpoint())) {
            assertNotEquals(0, server.endpoint().port(), "the endpoint should name the port the OS chose");
            client.send(Text.bytes("ping"));
            assertEquals("ping", Text.string(client.receive()));
        }
    }

    @TransportTest
    void closeLetsEveryPendingEchoOutThenEndsTheTcpStream(Transport transport) throws Exception {
        closeLetsEveryPendingEchoOutThenEndsTheStream(transport, Endpoints.tcp());
    }

    @TransportTest
    void closeLetsEveryPendingEchoOutThenEndsTheUnixStream(Transport transport) throws Exception {
        closeLetsEveryPendingEchoOutThenEndsTheStream(transport, Endpoints.unix(directory));
    }

    /**
     * The server's send buffer and the client's receive buffer are shrunk to a few KiB, so most of a 48 KiB echo
     * waits in the server's outbound queue while the client does not read (48 KiB stays below the queue's high-water
     * mark, so the server still reads all of it). Closing the server then must send all of it, then end the stream.
     */
    private static void closeLetsEveryPendingEchoOutThenEndsTheStream(Transport transport, Endpoint endpoint)
            throws Exception {
        byte[] sent = Text.random(48 * 1024, 10);
        ServerConfig config = echo(endpoint).withSocketOption(SocketSetting.of("SO_SNDBUF", "4096"));
        Server server = Transports.start(transport, config);
        try (StreamClient client = StreamClient.connect(server.endpoint(), StreamClient.PATIENCE, 4096);
                Workers workers = new Workers(1)) {
            client.write(sent);
            // Let the server read everything: input it has not read is not its to send.
            Poll.until(() -> server.stats().bytesIn() == sent.length, "the server reads all " + sent.length + " bytes");

            Future<Void> closing = workers.submit(() -> {
                server.close();
                return null;
            });
            byte[] received = client.readToEnd(sent.length);
            Workers.result(closing, Duration.ofSeconds(10));
            assertArrayEquals(sent, received, "everything sent before the close should come back, then the end");
        } finally {
            server.close();
        }
    }

    private static ServerConfig echo(Endpoint endpoint) {
        return ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(endpoint);
    }
}
