package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The echo server over TCP and Unix stream sockets: a mebibyte back byte for byte, then the close after our FIN. */
@Timeout(60)
class StreamEchoIT {
    private static final int MEBIBYTE = 1 << 20;

    @TempDir
    Path directory;

    @TransportTest
    void echoesAMebibyteExactlyOverTcpAndClosesAfterOurEnd(Transport transport) throws Exception {
        echoesAMebibyteExactlyAndClosesAfterOurEnd(transport, Endpoints.tcp());
    }

    @TransportTest
    void echoesAMebibyteExactlyOverUnixStreamAndClosesAfterOurEnd(Transport transport) throws Exception {
        echoesAMebibyteExactlyAndClosesAfterOurEnd(transport, Endpoints.unix(directory));
    }

    @TransportTest
    void echoesEverythingSentBeforeOurEndOverTcp(Transport transport) throws Exception {
        echoesEverythingSentBeforeOurEnd(transport, Endpoints.tcp());
    }

    @TransportTest
    void echoesEverythingSentBeforeOurEndOverUnixStream(Transport transport) throws Exception {
        echoesEverythingSentBeforeOurEnd(transport, Endpoints.unix(directory));
    }

    /** The client sends a mebibyte and its FIN at once, as {@code nc -N} does, and only then reads. */
    private static void echoesEverythingSentBeforeOurEnd(Transport transport, Endpoint endpoint) throws Exception {
        Transports.assumeHalfClosure(transport, endpoint.kind());
        byte[] sent = Text.random(MEBIBYTE, 0x5eed_0002L);
        ServerConfig config = ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(endpoint);
        try (Server server = Transports.start(transport, config);
                StreamClient client = StreamClient.connect(server.endpoint());
                Workers workers = new Workers(1)) {
            Future<Void> writing = workers.submit(() -> {
                client.write(sent);
                client.shutdownOutput();
                return null;
            });
            byte[] received = client.readToEnd(sent.length);
            Workers.result(writing, Duration.ofSeconds(10));
            assertArrayEquals(sent, received, "the echo of everything sent before the FIN, then the end of the stream");
        }
    }

    private static void echoesAMebibyteExactlyAndClosesAfterOurEnd(Transport transport, Endpoint endpoint)
            throws Exception {
        byte[] sent = Text.random(MEBIBYTE, 0x5eed_0001L);
        ServerConfig config = ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(endpoint);
        try (Server server = Transports.start(transport, config);
                StreamClient client = StreamClient.connect(server.endpoint());
                Workers workers = new Workers(1)) {
            Future<Void> writing = workers.submit(() -> {
                client.write(sent);
                return null;
            });
            byte[] received = client.readExactly(sent.length);
            Workers.result(writing, Duration.ofSeconds(10));
            assertArrayEquals(sent, received, "the echo differs from what was sent");

            client.shutdownOutput();
            assertEquals(-1, client.read(), "the server should close once it has echoed everything after our FIN");
        }
    }
}
