package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reply server's exact exchange: one answer, then the close; every datagram answered alike. */
@Timeout(60)
class ReplyIT {
    private static final String REPLY = "Thanks for connecting";

    @TempDir
    Path directory;

    @TransportTest
    void answersOnceAndClosesOverTcp(Transport transport) throws Exception {
        answersOnceAndCloses(transport, Endpoints.tcp());
    }

    @TransportTest
    void answersOnceAndClosesOverUnixStream(Transport transport) throws Exception {
        answersOnceAndCloses(transport, Endpoints.unix(directory));
    }

    private static void answersOnceAndCloses(Transport transport, Endpoint endpoint) throws Exception {
        try (Server server = Transports.start(transport, reply(endpoint));
                StreamClient client = StreamClient.connect(server.endpoint())) {
            client.write(Text.bytes("Hello, World!"));
            assertEquals(REPLY, Text.string(client.readToEnd(1024)), "the reply, then the end of the stream");
        }
    }

    @TransportTest
    void answersAPeerThatSendsNothingOverTcp(Transport transport) throws Exception {
        answersAPeerThatSendsNothing(transport, Endpoints.tcp());
    }

    @TransportTest
    void answersAPeerThatSendsNothingOverUnixStream(Transport transport) throws Exception {
        answersAPeerThatSendsNothing(transport, Endpoints.unix(directory));
    }

    private static void answersAPeerThatSendsNothing(Transport transport, Endpoint endpoint) throws Exception {
        Transports.assumeHalfClosure(transport, endpoint.kind());
        try (Server server = Transports.start(transport, reply(endpoint));
                StreamClient client = StreamClient.connect(server.endpoint())) {
            client.shutdownOutput();
            assertEquals(REPLY, Text.string(client.readToEnd(1024)), "the reply, then the end of the stream");
        }
    }

    @TransportTest
    void answersEveryUdpDatagram(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, reply(Endpoints.udp()));
                UdpClient client = UdpClient.connect(server.endpoint())) {
            for (String message : new String[] {"Hello", "Hello again", "x"}) {
                client.send(Text.bytes(message));
                assertEquals(REPLY, Text.string(client.receive()), "the answer to " + message);
            }
        }
    }

    @TransportTest
    void answersEveryUnixDatagram(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, reply(Endpoints.unixgram(directory)));
                UnixDatagramClient client =
                        UnixDatagramClient.bind(directory.resolve("client.sock"), server.endpoint())) {
            for (String message : new String[] {"Hello", "Hello again", "x"}) {
                client.send(Text.bytes(message));
                assertEquals(REPLY, Text.string(client.receive()), "the answer to " + message);
            }
        }
    }

    private static ServerConfig reply(Endpoint endpoint) {
        return ServerConfig.defaults().withKind(ServerKind.REPLY).withEndpoint(endpoint);
    }
}
