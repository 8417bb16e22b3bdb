package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.io.ByteArrayInputStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How {@code send} ends an exchange fed from stdin, with the race taken out: the stdin pump's outcome is settled
 * before the replies are first looked at, as it is when stdin is a file that fails at once. On a real UDP socket.
 */
@Timeout(30)
class SendRepliesTest {
    @Test
    void aStdinThatFailedBeforeTheFirstLookIsReportedNotTakenForAnExchangeWithNothingToWaitFor() throws Exception {
        try (Server echo = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.udp("127.0.0.1", 0)));
                Client client = Client.connect(ClientConfig.defaults().withEndpoint(echo.endpoint()))) {
            // One line a byte longer than the largest UDP datagram: nothing is sent, and the pump fails.
            StdinPump pump = StdinPump.datagrams(client, new ByteArrayInputStream(new byte[65_508]), 65_507);
            pump.finished().handle((done, failed) -> null).get(10, TimeUnit.SECONDS);

            SendCommand.Replies replies =
                    new SendCommand().new Replies(client, echo.endpoint(), Optional.empty(), pump, 0);

            ClientException failure = assertThrows(ClientException.class, () -> replies.print(true));
            assertEquals(
                    "stdin line 1 is over the limit of 65507 bytes (the largest datagram); it was not sent",
                    failure.getMessage());
        }
    }
}
