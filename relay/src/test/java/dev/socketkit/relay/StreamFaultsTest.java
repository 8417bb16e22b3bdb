package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each stream fault's effect, measured by a real client on a real TCP connection through the relay, to socketkit's echo server. */
@Timeout(60)
class StreamFaultsTest {
    private static Socket connect(RelayedEcho echo) throws IOException {
        Socket socket = new Socket("127.0.0.1", echo.port());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** {@return the fastest of {@code count} one-byte round trips, in milliseconds} */
    private static double fastestRoundTrip(Socket socket, int count) throws IOException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            socket.getOutputStream().write(i);
            assertEquals(i, socket.getInputStream().read());
            best = Math.min(best, System.nanoTime() - start);
        }
        return best / 1e6;
    }

    /** Writes {@code data} on another thread, so that the echo can be read back while it is sent. */
    private static CompletableFuture<Void> writeInBackground(Socket socket, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                socket.getOutputStream().write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] data = in.readNBytes(length);
        assertEquals(length, data.length, "the stream ended early");
        return data;
    }

    @Test
    void latencyAddsItsDelayToARoundTrip() throws Exception {
        double plain;
        try (RelayedEcho echo = new RelayedEcho(1);
                Socket socket = connect(echo)) {
            plain = fastestRoundTrip(socket, 5);
        }
        try (RelayedEcho echo = new RelayedEcho(1, Fault.parse("latency:downstream:latency=100ms"));
                Socket socket = connect(echo)) {
            double added = fastestRoundTrip(socket, 5) - plain;
            assertTrue(added >= 80 && added <= 120, "latency 100ms added " + added + " ms");
        }
    }

    @Test
    void jitterStaysWithinItsBoundsAndKeepsTheOrder() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.parse("latency:latency=60ms,jitter=40ms"));
                Socket socket = connect(echo)) {
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                socket.getOutputStream().write(new byte[] {(byte) i, (byte) (i + 1)});
                byte[] back = readFully(socket.getInputStream(), 2);
                double millis = (System.nanoTime() - start) / 1e6;
                assertArrayEquals(new byte[] {(byte) i, (byte) (i + 1)}, back);
                assertTrue(millis >= 19, "a round trip took " + millis + " ms, below latency - jitter");
            }
        }
    }

    @Test
    void bandwidthHoldsAMebibyteToItsRate() throws Exception {
        // 512 KiB/s, so the 32 KiB the relay still holds when it reads again (its low mark) last 62 ms: long enough
        // for the next read to come on a loaded machine. The limit earns no credit while it starves, so a slower
        // rate is what keeps the measure about the fault, not about the machine.
        int rate = 512 << 10;
        byte[] sent = new byte[1 << 20];
        new SplittableRandom(5).nextBytes(sent);
        try (RelayedEcho echo = new RelayedEcho(1, Fault.bandwidth(rate));
                Socket socket = connect(echo)) {
            long start = System.nanoTime();
            CompletableFuture<Void> writing = writeInBackground(socket, sent);
            byte[] back = readFully(socket.getInputStream(), sent.length);
            double seconds = (System.nanoTime() - start) / 1e9;
            writing.join();
            assertArrayEquals(sent, back);
            double measured = sent.length / seconds;
            assertTrue(
                    measured >= rate * 0.85 && measured <= rate * 1.15,
                    "1 MiB at " + rate + " B/s went at " + Math.round(measured) + " B/s in " + seconds + " s");
        }
    }

    /** {@return the size of each read until {@code total} bytes have come} */
    private static List<Integer> readSizes(Socket socket, int total) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        byte[] buffer = new byte[64 << 10];
        int got = 0;
        while (got < total) {
            int n = socket.getInputStream().read(buffer);
            assertTrue(n > 0, "the stream ended after " + got + " bytes");
            sizes.add(n);
            got += n;
        }
        return sizes;
    }

    @Test
    void slicerCutsIntoSlicesOfTheAverageSizeGiveOrTakeTheVariation() throws Exception {
        try (RelayedEcho echo =
                        new RelayedEcho(1, Fault.parse("slicer:average_size=100,size_variation=20,delay=30ms"));
                Socket socket = connect(echo)) {
            socket.getOutputStream().write(new byte[1000]);
            List<Integer> sizes = readSizes(socket, 1000);
            // Each slice leaves 30 ms after the one before, so each arrives in a read of its own; only the last of
            // the write may be smaller (it is what remains).
            for (int size : sizes.subList(0, sizes.size() - 1)) {
                assertTrue(size >= 80 && size <= 120, "slices " + sizes);
            }
            assertTrue(sizes.size() >= 8 && sizes.size() <= 13, "slices " + sizes);
        }
    }

    @Test
    void limitDataPassesTheBytesThenCloses() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.limitData(100));
                Socket socket = connect(echo)) {
            socket.getOutputStream().write(new byte[60]);
            readFully(socket.getInputStream(), 60);
            socket.getOutputStream().write(new byte[60]);
            assertEquals(40, socket.getInputStream().readAllBytes().length);
        }
    }

    @Test
    void timeoutPassesNothingAndClosesAfterItsTime() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.timeout(Duration.ofMillis(300)));
                Socket socket = connect(echo)) {
            long start = System.nanoTime();
            socket.getOutputStream().write(new byte[10]);
            assertEquals(0, socket.getInputStream().readAllBytes().length);
            double millis = (System.nanoTime() - start) / 1e6;
            assertTrue(millis >= 250, "closed after " + millis + " ms");
        }
    }

    @Test
    void timeoutZeroHangsUntilRemovedThenCloses() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.timeout(Duration.ZERO));
                Socket socket = connect(echo)) {
            socket.setSoTimeout(300);
            socket.getOutputStream().write(new byte[10]);
            assertThrows(
                    SocketTimeoutException.class, () -> socket.getInputStream().read());
            socket.setSoTimeout(20_000);
            echo.faults.remove("timeout_downstream");
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void resetPeerResetsAfterTheFirstData() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.resetPeer(Duration.ofMillis(100)));
                Socket socket = connect(echo)) {
            socket.getOutputStream().write(new byte[10]);
            SocketException e = assertThrows(
                    SocketException.class, () -> socket.getInputStream().read());
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        }
    }

    @Test
    void slowCloseHoldsTheCloseBack() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.slowClose(Duration.ofMillis(400)));
                Socket socket = connect(echo)) {
            socket.getOutputStream().write(new byte[] {7});
            assertEquals(7, socket.getInputStream().read());
            long start = System.nanoTime();
            socket.shutdownOutput();
            assertEquals(-1, socket.getInputStream().read());
            double millis = (System.nanoTime() - start) / 1e6;
            assertTrue(millis >= 350, "closed after " + millis + " ms");
        }
    }

    /** {@return the ordinals, from 1, of the connections that {@code limit_data:bytes=0} closed at their first byte} */
    private static List<Integer> cut(RelayedEcho echo, int connections) throws IOException {
        List<Integer> cut = new ArrayList<>();
        for (int i = 1; i <= connections; i++) {
            try (Socket socket = connect(echo)) {
                socket.getOutputStream().write(1);
                if (socket.getInputStream().read() == -1) {
                    cut.add(i);
                }
            }
        }
        return cut;
    }

    @Test
    void toxicityAppliesToThatFractionOfConnectionsAndTheSeedReplaysWhich() throws Exception {
        Fault half = Fault.limitData(0).withToxicity(0.5);
        List<Integer> first;
        try (RelayedEcho echo = new RelayedEcho(11, half)) {
            first = cut(echo, 40);
        }
        assertTrue(first.size() >= 12 && first.size() <= 28, "toxicity 0.5 cut " + first);
        try (RelayedEcho echo = new RelayedEcho(11, half)) {
            assertEquals(first, cut(echo, 40));
        }
        try (RelayedEcho echo = new RelayedEcho(12, half)) {
            assertNotEquals(first, cut(echo, 40));
        }
    }

    @Test
    void connectionsSelectsWhichConnectionsAFaultAppliesTo() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1, Fault.limitData(0).withConnections("2"))) {
            assertEquals(List.of(2), cut(echo, 4));
        }
        try (RelayedEcho echo = new RelayedEcho(1, Fault.limitData(0).withConnections("3n"))) {
            assertEquals(List.of(3, 6, 9), cut(echo, 10));
        }
    }

    @Test
    void faultsAddedAndRemovedWhileAConnectionIsOpen() throws Exception {
        try (RelayedEcho echo = new RelayedEcho(1);
                Socket socket = connect(echo)) {
            assertTrue(fastestRoundTrip(socket, 3) < 100);
            echo.faults.add(Fault.latency(Duration.ofMillis(200)));
            echo.faults.applied().get(10, TimeUnit.SECONDS);
            assertTrue(fastestRoundTrip(socket, 3) >= 190);
            // Held back for an hour, then the fault is removed: the held bytes pass on at once, in order.
            echo.faults.remove("latency_downstream");
            echo.faults.add(Fault.latency(Duration.ofHours(1)).withName("long"));
            echo.faults.applied().get(10, TimeUnit.SECONDS);
            socket.getOutputStream().write(new byte[] {1, 2, 3});
            socket.setSoTimeout(300);
            assertThrows(
                    SocketTimeoutException.class, () -> socket.getInputStream().read());
            socket.setSoTimeout(20_000);
            echo.faults.remove("long");
            assertArrayEquals(new byte[] {1, 2, 3}, readFully(socket.getInputStream(), 3));
            assertTrue(fastestRoundTrip(socket, 3) < 100);
        }
    }

    @Test
    void faultsThatOnlyDelayKeepALargeTransferByteExact() throws Exception {
        byte[] sent = new byte[4 << 20];
        new SplittableRandom(9).nextBytes(sent);
        try (RelayedEcho echo = new RelayedEcho(
                        3,
                        Fault.parse("latency:latency=5ms,jitter=5ms"),
                        Fault.parse("slicer:average_size=4KiB,size_variation=3KiB,name=slices"),
                        Fault.parse("bandwidth:rate=16MiB,name=rate"));
                Socket socket = connect(echo)) {
            CompletableFuture<Void> writing = writeInBackground(socket, sent);
            byte[] back = readFully(socket.getInputStream(), sent.length);
            writing.join();
            assertTrue(Arrays.equals(sent, back), "4 MiB came back changed");
        }
    }
}
