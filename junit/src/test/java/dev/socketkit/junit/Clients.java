package dev.socketkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.time.Duration;

/** socketkit clients for the tests, with bounded waits, and the checks that a server is gone. */
final class Clients {
    /** The longest any single wait of a test may take; reached only when something is broken. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private Clients() {}

    static Client connect(Endpoint endpoint) {
        return connect(endpoint, Framing.raw());
    }

    static Client connect(Endpoint endpoint, Framing framing) {
        return Client.connect(ClientConfig.defaults()
                .withEndpoint(endpoint)
                .withFraming(framing)
                .withConnectTimeout(WAIT)
                .withReadTimeout(WAIT)
                .withExchangeTimeout(WAIT));
    }

    /** Checks that nothing listens at {@code endpoint} any more: a stream connection is refused or finds no file. */
    static void assertGone(Endpoint endpoint) {
        ClientException e =
                assertThrows(ClientException.class, () -> connect(endpoint).close(), endpoint::toString);
        ClientException.Reason expected = endpoint.kind() == SocketKind.UNIX
                ? ClientException.Reason.NO_SUCH_SOCKET
                : ClientException.Reason.REFUSED;
        assertEquals(expected, e.reason(), e::getMessage);
    }

    /** Whether this machine has Unix datagram sockets (epoll or kqueue), for {@code @EnabledIf}. */
    static boolean unixDatagramsAvailable() {
        return Transport.EPOLL.isAvailable() || Transport.KQUEUE.isAvailable();
    }
}
