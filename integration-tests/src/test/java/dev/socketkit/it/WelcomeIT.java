package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The welcome server's exact exchange: the greeting on connect, each message answered with the prefix. */
@Timeout(60)
class WelcomeIT {
    private static final String GREETING = "Welcome to the server";

    @TempDir
    Path directory;

    @TransportTest
    void greetsAndAnswersWithThePrefixOverTcp(Transport transport) throws Exception {
        greetsAndAnswersWithThePrefix(transport, Endpoints.tcp());
    }

    @TransportTest
    void greetsAndAnswersWithThePrefixOverUnixStream(Transport transport) throws Exception {
        greetsAndAnswersWithThePrefix(transport, Endpoints.unix(directory));
    }

    private static void greetsAndAnswersWithThePrefix(Transport transport, Endpoint endpoint) throws Exception {
        try (Server server = Transports.start(transport, welcome(endpoint));
                StreamClient client = StreamClient.connect(server.endpoint())) {
            assertEquals(GREETING, Text.string(client.readExactly(GREETING.length())));

            client.write(Text.bytes("Hello, World!"));
            String answer = "Data received:Hello, World!";
            assertEquals(answer, Text.string(client.readExactly(answer.length())));

            client.shutdownOutput();
            assertEquals("", Text.string(client.readToEnd(1024)), "after our FIN: nothing more, then the close");
        }
    }

    @TransportTest
    void answersAUdpDatagramWithThePrefixAndNoGreeting(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, welcome(Endpoints.udp()));
                UdpClient client = UdpClient.connect(server.endpoint())) {
            client.send(Text.bytes("Hello"));
            assertEquals("Data received:Hello", Text.string(client.receive()));
            assertNull(client.receiveWithin(Duration.ofMillis(200)), "one datagram in, one datagram out");
        }
    }

    @TransportTest
    void answersAUnixDatagramWithThePrefixAndNoGreeting(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, welcome(Endpoints.unixgram(directory)));
                UnixDatagramClient client =
                        UnixDatagramClient.bind(directory.resolve("client.sock"), server.endpoint())) {
            client.send(Text.bytes("Hello"));
            assertEquals("Data received:Hello", Text.string(client.receive()));
            assertNull(client.receiveWithin(200), "one datagram in, one datagram out");
        }
    }

    private static ServerConfig welcome(Endpoint endpoint) {
        return ServerConfig.defaults().withKind(ServerKind.WELCOME).withEndpoint(endpoint);
    }
}
