package dev.socketkit.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.OpenFiles;
import java.io.IOException;
import java.net.Socket;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stream relay's connection limit, on real TCP connections: one connection over it is closed at once, counted, and
 * never connected to the target; a place comes back when a connection closes. Without it a connect flood opens two
 * descriptors per connection until accepting and connecting fail for everyone.
 */
@Timeout(30)
class RelayConnectionLimitTest {
    @Test
    void aConnectionOverTheLimitIsClosedAtOnceAndItsPlaceComesBackWhenAnotherCloses() throws Exception {
        try (Server echo = Server.start(
                        ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)));
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint())
                        .withMaxConnections(2));
                Socket second = connect(relay)) {
            Socket first = connect(relay); // closed in the test: not a resource of the try
            assertEquals("a", echo(first, "a"));
            assertEquals("b", echo(second, "b"));
            try (Socket third = connect(relay)) {
                assertEquals(-1, third.getInputStream().read(), "the third connection is closed at once");
            }
            assertEquals(1, relay.stats().connectionsRefused());
            assertEquals(2, echo.stats().acceptedConnections(), "the target never saw the refused one");

            first.close();
            await(() -> relay.stats().openConnections() == 1, "the first connection's close to be seen");
            try (Socket fourth = connect(relay)) {
                assertEquals("d", echo(fourth, "d"), "a place came back");
            }
            assertEquals("b", echo(second, "b"), "the others were never disturbed");
            assertEquals(1, relay.stats().connectionsRefused());
        }
    }

    @Test
    void theDefaultIsHalfWhatTheDescriptorsLeaveAndTheRangeIsChecked() {
        RelayConfig config = RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), Endpoint.tcp("127.0.0.1", 9));
        long limit = OpenFiles.limit();
        long open = OpenFiles.open();
        assertTrue(limit > open + OpenFiles.RESERVED, "this test needs a Unix open-file limit");
        long expected = (limit - open - OpenFiles.RESERVED) / 2;
        // Within a few descriptors: the JVM may open or close one (a jar, a pipe) between the two readings.
        assertTrue(
                Math.abs(expected - config.maxConnections()) <= 8,
                "expected about " + expected + ", got " + config.maxConnections());
        assertEquals(7, config.withMaxConnections(7).maxConnections());
        assertEquals(
                "connection limit 0 is out of range 1-10000000",
                assertThrows(IllegalArgumentException.class, () -> config.withMaxConnections(0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> config.withMaxConnections(RelayConfig.MAX_CONNECTIONS + 1));
    }

    /** A client of {@code relay}, whose reads give up after 10 s. */
    static Socket connect(Relay relay) throws IOException {
        Socket socket = new Socket("127.0.0.1", relay.endpoint().port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code text} and reads as many bytes back. */
    static String echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(US_ASCII));
        return new String(socket.getInputStream().readNBytes(text.length()), US_ASCII);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }
}
