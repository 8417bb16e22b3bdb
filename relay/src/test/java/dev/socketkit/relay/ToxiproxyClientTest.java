package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Toxiproxy's own Java client ({@code eu.rekawek.toxiproxy:toxiproxy-java}, the one Testcontainers uses) drives the
 * API, and each toxic's effect is seen on real traffic through the proxy to a socketkit echo server. Each effect is
 * checked in the direction that tells Toxiproxy's unit from another (a latency of 100 means milliseconds, not seconds
 * or microseconds), never as a speed.
 */
@Timeout(60)
class ToxiproxyClientTest {
    private Server echo;
    private ToxiproxyApi api;
    private ToxiproxyClient client;

    @BeforeEach
    void start() throws IOException {
        echo = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0)));
        api = ToxiproxyApi.start(new InetSocketAddress("127.0.0.1", 0));
        client = new ToxiproxyClient("127.0.0.1", api.address().getPort());
    }

    @AfterEach
    void stop() {
        api.close();
        echo.close();
    }

    private String upstream(Server server) {
        return "127.0.0.1:" + server.endpoint().port();
    }

    private static Socket connect(Proxy proxy) throws IOException {
        String listen = proxy.getListen();
        int colon = listen.lastIndexOf(':');
        Socket socket = new Socket(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** {@return how long, in milliseconds, {@code data} took to come back whole} */
    private static double echoMillis(Socket socket, byte[] data) throws IOException {
        long start = System.nanoTime();
        socket.getOutputStream().write(data);
        byte[] back = socket.getInputStream().readNBytes(data.length);
        double millis = (System.nanoTime() - start) / 1e6;
        assertArrayEquals(data, back, "echoed through the proxy");
        return millis;
    }

    private static byte[] bytes(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        return data;
    }

    @Test
    void createsListsAndShowsAProxyThatRelays() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        assertTrue(proxy.isEnabled());
        assertEquals(upstream(echo), proxy.getUpstream());
        assertNotEquals("127.0.0.1:0", proxy.getListen(), "the listen address with the real port");
        try (Socket socket = connect(proxy)) {
            echoMillis(socket, "hello".getBytes(StandardCharsets.US_ASCII));
        }
        List<Proxy> all = client.getProxies();
        assertEquals(1, all.size());
        assertEquals(proxy.getListen(), all.get(0).getListen());
        assertEquals(proxy.getListen(), client.getProxy("echo").getListen());
        assertTrue(client.version().contains("socketkit"), client.version());
    }

    @Test
    void theReadmeExampleRunsInTheTestsJvm() throws IOException {
        String upstream = upstream(echo);
        // tag::toxiproxy-client[]
        try (ToxiproxyApi api = ToxiproxyApi.start(new InetSocketAddress("127.0.0.1", 0))) {
            int port = api.address().getPort();
            ToxiproxyClient toxiproxy = new ToxiproxyClient("127.0.0.1", port);
            Proxy proxy = toxiproxy.createProxy("db", "127.0.0.1:0", upstream); // upstream: "127.0.0.1:5432"
            proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 100); // then connect to proxy.getListen()
            // end::toxiproxy-client[]
            try (Socket socket = connect(proxy)) {
                assertTrue(echoMillis(socket, new byte[] {1}) >= 90, "the README's latency toxic is in place");
            }
        }
    }

    @Test
    void latencyDelaysARoundTripByItsMillisecondsAndFollowsAnUpdate() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        Latency latency = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 100);
        assertEquals(100, latency.getLatency());
        assertEquals(0, latency.getJitter());
        try (Socket socket = connect(proxy)) {
            double first = echoMillis(socket, new byte[] {1});
            assertTrue(first >= 90, "latency 100 held a round trip " + first + " ms");
            latency.setLatency(250);
            assertEquals(250, proxy.toxics().get("slow", Latency.class).getLatency());
            double second = echoMillis(socket, new byte[] {2});
            assertTrue(second >= 240, "latency 250 held a round trip " + second + " ms");
            latency.remove();
            assertTrue(proxy.toxics().getAll().isEmpty());
            echoMillis(socket, new byte[] {3});
        }
    }

    @Test
    void bandwidthHoldsATransferToItsKilobytesASecond() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.toxics().bandwidth("narrow", ToxicDirection.DOWNSTREAM, 40);
        try (Socket socket = connect(proxy)) {
            double millis = echoMillis(socket, bytes(20_000));
            // 20,000 bytes at 40 KB/s (40,000 bytes a second) take half a second.
            assertTrue(millis >= 400, "20,000 bytes at 40 KB/s came back in " + millis + " ms");
        }
    }

    @Test
    void slicerCutsTheStreamWithItsDelayInMicroseconds() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.toxics().slicer("sliced", ToxicDirection.DOWNSTREAM, 10, 20_000);
        try (Socket socket = connect(proxy)) {
            long start = System.nanoTime();
            socket.getOutputStream().write(bytes(100));
            InputStream in = socket.getInputStream();
            int reads = 0;
            int total = 0;
            byte[] buffer = new byte[100];
            while (total < 100) {
                int n = in.read(buffer, total, 100 - total);
                assertTrue(n > 0, "the stream ended after " + total + " bytes");
                total += n;
                reads++;
            }
            double millis = (System.nanoTime() - start) / 1e6;
            assertArrayEquals(bytes(100), buffer);
            assertTrue(reads >= 2, "100 bytes sliced by 10, 20 ms apart, came in " + reads + " read");
            // Ten slices 20,000 µs apart: nine gaps of 20 ms.
            assertTrue(millis >= 170, "ten slices 20 ms apart came in " + millis + " ms");
        }
    }

    @Test
    void limitDataClosesAfterItsBytes() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.toxics().limitData("limit", ToxicDirection.DOWNSTREAM, 10);
        try (Socket socket = connect(proxy)) {
            socket.getOutputStream().write(bytes(20));
            byte[] back = socket.getInputStream().readAllBytes();
            assertArrayEquals(Arrays.copyOf(bytes(20), 10), back, "10 bytes, then the end of the stream");
        }
    }

    @Test
    void timeoutPassesNothingThenCloses() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.toxics().timeout("stall", ToxicDirection.UPSTREAM, 200);
        try (Socket socket = connect(proxy)) {
            socket.getOutputStream().write(bytes(5));
            assertEquals(-1, socket.getInputStream().read(), "nothing came back before the close");
        }
    }

    @Test
    void resetPeerResetsTheConnection() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.toxics().resetPeer("rst", ToxicDirection.UPSTREAM, 0);
        try (Socket socket = connect(proxy)) {
            socket.getOutputStream().write(bytes(5));
            SocketException e = assertThrows(
                    SocketException.class, () -> socket.getInputStream().read());
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        }
    }

    @Test
    void slowCloseHoldsTheTargetsCloseBack() throws IOException {
        try (Server reply = Server.start(
                ServerConfig.defaults().withKind(ServerKind.REPLY).withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            Proxy proxy = client.createProxy("reply", "127.0.0.1:0", upstream(reply));
            proxy.toxics().slowClose("linger", ToxicDirection.DOWNSTREAM, 400);
            try (Socket socket = connect(proxy)) {
                socket.getOutputStream().write(bytes(1));
                InputStream in = socket.getInputStream();
                byte[] thanks = "Thanks for connecting".getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(thanks, in.readNBytes(thanks.length));
                long start = System.nanoTime();
                assertEquals(-1, in.read());
                double millis = (System.nanoTime() - start) / 1e6;
                assertTrue(millis >= 300, "the reply server's close came " + millis + " ms after its answer");
            }
        }
    }

    @Test
    void resetRemovesEveryToxicAndEnablesEveryProxy() throws IOException {
        Proxy slow = client.createProxy("slow", "127.0.0.1:0", upstream(echo));
        Proxy down = client.createProxy("down", "127.0.0.1:0", upstream(echo));
        slow.toxics().latency("a", ToxicDirection.DOWNSTREAM, 1000);
        slow.toxics().timeout("b", ToxicDirection.UPSTREAM, 0);
        down.disable();
        assertFalse(client.getProxy("down").isEnabled());
        client.reset();
        assertTrue(slow.toxics().getAll().isEmpty());
        assertTrue(down.isEnabled(), "the client read the proxy again after the reset");
        try (Socket socket = connect(down)) {
            echoMillis(socket, new byte[] {7});
        }
        try (Socket socket = connect(slow)) {
            echoMillis(socket, new byte[] {8});
        }
    }

    @Test
    void disablingClosesTheListenerAndItsConnectionsAndEnablingKeepsThePortAndToxics() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.toxics().latency("kept", ToxicDirection.DOWNSTREAM, 50);
        String listen = proxy.getListen();
        try (Socket open = connect(proxy)) {
            echoMillis(open, new byte[] {1});
            proxy.disable();
            assertFalse(proxy.isEnabled());
            assertEquals(-1, readOrReset(open), "an open connection is closed");
        }
        assertThrows(ConnectException.class, () -> connect(proxy).close());
        proxy.enable();
        assertEquals(listen, proxy.getListen());
        assertEquals("kept", proxy.toxics().getAll().get(0).getName());
        try (Socket socket = connect(proxy)) {
            assertTrue(echoMillis(socket, new byte[] {2}) >= 45, "the latency toxic is still there");
        }
    }

    @Test
    void deletingStopsTheProxy() throws IOException {
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        proxy.delete();
        assertNull(client.getProxyOrNull("echo"));
        assertTrue(client.getProxies().isEmpty());
        assertThrows(ConnectException.class, () -> connect(proxy).close());
    }

    @Test
    void errorsReachTheClientWithToxiproxysStatusAndWords() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> client.getProxy("nope"));
        assertEquals("[404] proxy not found", missing.getMessage());
        Proxy proxy = client.createProxy("echo", "127.0.0.1:0", upstream(echo));
        IOException taken =
                assertThrows(IOException.class, () -> client.createProxy("echo", "127.0.0.1:0", upstream(echo)));
        assertEquals("[409] proxy already exists", taken.getMessage());
        proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 10);
        IOException twice =
                assertThrows(IOException.class, () -> proxy.toxics().latency("slow", ToxicDirection.UPSTREAM, 10));
        assertEquals("[409] toxic already exists", twice.getMessage());
        IOException noToxic =
                assertThrows(IOException.class, () -> proxy.toxics().get("none"));
        assertEquals("[404] toxic not found", noToxic.getMessage());
        IOException noUpstream = assertThrows(IOException.class, () -> client.createProxy("other", "127.0.0.1:0", ""));
        assertEquals("[400] missing required field: upstream", noUpstream.getMessage());
        IOException negative = assertThrows(
                IOException.class,
                () -> proxy.toxics().get("slow", Latency.class).setLatency(-5));
        assertTrue(negative.getMessage().startsWith("[400] bad request body: "), negative.getMessage());
        assertEquals(10, proxy.toxics().get("slow", Latency.class).getLatency(), "a refused update changes nothing");
    }

    /** {@return what a read of a connection the proxy closed gives: -1, whether it ended with a FIN or a reset} */
    private static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
