package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The echo server over UDP and Unix datagram sockets: each datagram back whole, up to the largest that can be sent. */
@Timeout(60)
class DatagramEchoIT {
    /** The largest UDP payload over IPv4: 65,535 less the IP and UDP headers. */
    private static final int LARGEST_UDP_PAYLOAD = 65_507;

    /** Linux refuses a Unix datagram longer than the sender's send buffer less this many bytes. */
    private static final int UNIX_DATAGRAM_OVERHEAD = 32;

    @TempDir
    Path directory;

    @TransportTest
    void echoesEachUdpDatagramWholeUpToTheLargestPayload(Transport transport) throws Exception {
        ServerConfig config = ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoints.udp());
        try (Server server = Transports.start(transport, config);
                UdpClient client = UdpClient.connect(server.endpoint())) {
            for (int size : new int[] {1, 1000, LARGEST_UDP_PAYLOAD}) {
                byte[] sent = Text.random(size, size);
                client.send(sent);
                assertArrayEquals(sent, client.receive(), "the echo of a " + size + "-byte datagram");
            }
        }
    }

    @TransportTest
    void echoesEachUnixDatagramWholeUpToTheLargestTheOsAllows(Transport transport) throws Exception {
        ServerConfig config =
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoints.unixgram(directory));
        try (Server server = Transports.start(transport, config);
                UnixDatagramClient client =
                        UnixDatagramClient.bind(directory.resolve("client.sock"), server.endpoint())) {
            int largest = client.sendBufferSize() - UNIX_DATAGRAM_OVERHEAD;
            for (int size : new int[] {1, LARGEST_UDP_PAYLOAD, largest}) {
                byte[] sent = Text.random(size, size);
                try {
                    client.send(sent);
                } catch (IOException refused) {
                    fail(
                            "the OS refused a " + size + "-byte datagram, although the client's SO_SNDBUF is "
                                    + client.sendBufferSize() + " bytes",
                            refused);
                }
                assertArrayEquals(sent, client.receive(), "the echo of a " + size + "-byte datagram");
            }
        }
    }
}
