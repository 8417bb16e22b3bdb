package dev.socketkit.junit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the extension is for: testing a client against a server that misbehaves on cue. The client under test is a tiny
 * line-protocol pinger that retries once, on a new connection, when the server hangs up on it.
 */
@Timeout(30)
class ClientUnderTestExampleTest {
    // tag::junit-field[]
    @SocketServer(framing = "line")
    RecordingServer server; // a new one for each test, on a free port; a static field: one for the class
    // end::junit-field[]

    /** The client under test: sends {@code PING}, expects {@code PONG}; one retry after a reset or a hang-up. */
    static final class Pinger {
        private final ClientConfig config;

        // tag::junit-client-config[]
        Pinger(Endpoint endpoint, Duration timeout) {
            config = ClientConfig.defaults()
                    .withEndpoint(endpoint)
                    .withFraming(Framing.line(1024)) // as the server's framing = "line": one answer is one line
                    .withReadTimeout(timeout)
                    .withExchangeTimeout(timeout);
        }
        // end::junit-client-config[]

        boolean ping() {
            for (int attempt = 1; attempt <= 2; attempt++) {
                try (Client client = Client.connect(config)) {
                    return "PONG\n".equals(new String(client.request("PING\n".getBytes(UTF_8)), UTF_8));
                } catch (ClientException e) {
                    if (e.reason() != Reason.RESET && e.reason() != Reason.CLOSED) {
                        throw e;
                    }
                }
            }
            return false;
        }
    }

    // tag::junit-test[]
    @Test
    void retriesOnANewConnectionAfterAReset() {
        server.enqueue(Reaction.reset(), Reaction.reply("PONG")); // first connection: RST; the retry: an answer
        assertTrue(new Pinger(server.endpoint(), Duration.ofSeconds(5)).ping());
        assertEquals(1, server.takeFrame().connection());
        assertEquals(2, server.takeFrame().connection()); // the retry came on a new connection
    }
    // end::junit-test[]

    @Test
    void sendsOneLineEachTime() {
        server.enqueue(Reaction.close(), Reaction.reply("PONG"));
        assertTrue(new Pinger(server.endpoint(), Clients.WAIT).ping());
        assertEquals("PING\n", server.takeFrame().utf8());
        assertEquals("PING\n", server.takeFrame().utf8());
        assertEquals(2, server.frameCount());
    }

    @Test
    void waitsForASlowAnswer() {
        server.enqueue(Reaction.delay(Duration.ofMillis(100)).thenReply("PONG"));
        assertTrue(new Pinger(server.endpoint(), Clients.WAIT).ping());
        assertEquals(1, server.connectionCount(), "no retry");
    }

    @Test
    void givesUpAfterTwoHangUps() {
        server.enqueue(Reaction.close(), Reaction.close());
        assertFalse(new Pinger(server.endpoint(), Clients.WAIT).ping());
        assertEquals(2, server.frameCount());
    }

    @Test
    void doesNotRetryWhenTheServerStaysSilent() {
        ClientException e =
                assertThrows(ClientException.class, () -> new Pinger(server.endpoint(), Duration.ofMillis(300)).ping());
        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(1, server.connectionCount());
        assertEquals("PING\n", server.takeFrame().utf8());
    }

    @Test
    void aWrongAnswerIsAFailedPing() {
        server.enqueue(Reaction.reply("PANG"));
        assertFalse(new Pinger(server.endpoint(), Clients.WAIT).ping());
    }
}
