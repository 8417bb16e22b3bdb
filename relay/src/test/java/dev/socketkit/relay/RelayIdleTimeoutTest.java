package dev.socketkit.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stream relay's idle timeout, on real TCP connections: a client that goes silent is closed, on both sides, and one
 * that keeps talking is not. Without it a client that connects and stalls would hold its target connection for ever.
 */
@Timeout(30)
class RelayIdleTimeoutTest {
    private static final Duration IDLE = Duration.ofMillis(400);

    @Test
    void aSilentClientIsClosedAndOneThatTalksIsNot() throws Exception {
        try (Server echo = Server.start(
                        ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)));
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint())
                        .withIdleTimeout(IDLE));
                Socket silent = new Socket("127.0.0.1", relay.endpoint().port());
                Socket talking = new Socket("127.0.0.1", relay.endpoint().port())) {
            silent.setSoTimeout(10_000);
            talking.setSoTimeout(10_000);
            long start = System.nanoTime();
            // Talks every 100 ms for three idle periods while the silent one waits for its end.
            for (int i = 0; i < 12; i++) {
                talking.getOutputStream().write("ping".getBytes(US_ASCII));
                assertEquals("ping", new String(talking.getInputStream().readNBytes(4), US_ASCII));
                Thread.sleep(100);
            }
            InputStream in = silent.getInputStream();
            assertEquals(-1, in.read(), "the silent client's connection is closed");
            Duration lived = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(lived.compareTo(IDLE) >= 0, () -> "closed after " + lived + ", before the idle timeout");
            talking.getOutputStream().write("still".getBytes(US_ASCII));
            assertEquals("still", new String(talking.getInputStream().readNBytes(5), US_ASCII), "the other one lives");
            assertEquals(1, relay.stats().openConnections(), "the silent one's target side is closed too");
        }
    }

    @Test
    void zeroMeansNoLimitAndANegativeOneIsRefused() {
        RelayConfig config = RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), Endpoint.tcp("127.0.0.1", 9));
        assertEquals(RelayConfig.DEFAULT_IDLE_TIMEOUT, config.idleTimeout());
        assertEquals(Duration.ZERO, config.withIdleTimeout(Duration.ZERO).idleTimeout());
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> config.withIdleTimeout(Duration.ofSeconds(-1)));
        assertEquals("idle timeout PT-1S is negative", refused.getMessage());
    }
}
