package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Transport;
import org.junit.jupiter.api.Timeout;

/** {@code --buffer-size N} means what {@code recv(N)} means: a stream is read N bytes at a time, a datagram is cut. */
@Timeout(60)
class BufferSizeIT {
    @TransportTest
    void readsAStreamFourBytesAtATime(Transport transport) throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withKind(ServerKind.WELCOME)
                .withEndpoint(Endpoints.tcp())
                .withBufferSize(4);
        try (Server server = Transports.start(transport, config);
                StreamClient client = StreamClient.connect(server.endpoint())) {
            client.write(Text.bytes("abcdefgh"));
            String expected = "Welcome to the serverData received:abcdData received:efgh";
            assertEquals(expected, Text.string(client.readExactly(expected.length())));

            client.shutdownOutput();
            assertEquals("", Text.string(client.readToEnd(1024)), "nothing more before the end of the stream");
        }
    }

    @TransportTest
    void cutsADatagramAtFourBytes(Transport transport) throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withKind(ServerKind.ECHO)
                .withEndpoint(Endpoints.udp())
                .withBufferSize(4);
        try (Server server = Transports.start(transport, config);
                UdpClient client = UdpClient.connect(server.endpoint())) {
            client.send(Text.bytes("abcdefgh"));
            assertEquals("abcd", Text.string(client.receive()));
            client.send(Text.bytes("xy"));
            assertEquals("xy", Text.string(client.receive()), "the next datagram, whole: nothing left of the last one");
        }
    }
}
