package dev.socketkit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ClientConfig: the values it refuses before anything connects, each named with what is wrong. */
class ClientConfigTest {
    private final ClientConfig defaults = ClientConfig.defaults();

    @Test
    void theInboxHoldsAtLeastOneByte() {
        assertEquals(ClientConfig.DEFAULT_INBOX_LIMIT, defaults.inboxLimit());
        var refused = assertThrows(IllegalArgumentException.class, () -> defaults.withInboxLimit(0));
        assertEquals("inbox limit 0 must be at least 1 byte", refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> defaults.withInboxLimit(-1));
        assertEquals(1, defaults.withInboxLimit(1).inboxLimit());
    }

    @Test
    void timeoutsArePositiveAndBufferSizesInRange() {
        assertThrows(IllegalArgumentException.class, () -> defaults.withReadTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> defaults.withConnectTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBufferSize(Sizes.MAX_READ_BUFFER + 1));
    }

    @Test
    void aProxyHeaderIsKeptAcrossCopiesAndRefusedOnDatagramSockets() {
        assertEquals(Optional.empty(), defaults.proxyHeader());
        ClientConfig proxied = defaults.withProxyHeader(ProxyVersion.V2).withReadTimeout(Duration.ofSeconds(1));
        assertEquals(Optional.of(ProxyVersion.V2), proxied.proxyHeader());
        proxied.withEndpoint(Endpoint.parse("unix:/tmp/x.sock")).validate();
        var refused = assertThrows(
                IllegalArgumentException.class, () -> proxied.withEndpoint(Endpoint.parse("udp://127.0.0.1:9000"))
                        .validate());
        assertEquals("a PROXY header applies to stream sockets (tcp, unix), not udp", refused.getMessage());
    }
}
