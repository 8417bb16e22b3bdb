package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The datagram faults' effect through a real UDP relay, measured by real sockets on both sides. */
@Timeout(120)
class DatagramRelayFaultsTest {
    /** The end marker: three bytes, a length no numbered datagram has, so that a corrupted marker is no datagram. */
    private static final byte[] END = {'E', 'N', 'D'};

    /** A UDP target of the relay that records every datagram that reached it, in arrival order. */
    private static final class Target implements AutoCloseable {
        final DatagramSocket socket;
        private final List<byte[]> received = new ArrayList<>();
        volatile boolean endSeen;
        private final Thread reader;

        Target() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            socket.setReceiveBufferSize(4 << 20);
            reader = new Thread(this::read, "udp-target");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            byte[] buffer = new byte[256];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                while (true) {
                    socket.receive(packet);
                    byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
                    synchronized (received) {
                        if (datagram.length == END.length) {
                            endSeen |= Arrays.equals(datagram, END);
                        } else {
                            received.add(datagram);
                        }
                    }
                }
            } catch (IOException closed) {
                // closed: the test is over
            }
        }

        /** {@return the numbered datagrams that arrived, in arrival order (end markers left out)} */
        List<byte[]> received() {
            synchronized (received) {
                return new ArrayList<>(received);
            }
        }

        int count() {
            synchronized (received) {
                return received.size();
            }
        }

        Endpoint endpoint() {
            return Endpoint.udp("127.0.0.1", socket.getLocalPort());
        }

        @Override
        public void close() {
            socket.close(); // ends the reader's receive; it is a daemon, so it is not waited for
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Datagram {@code i}: 4 bytes or, {@code sized}, 8 to 64 bytes: its number, then bytes made from it. */
    private static byte[] datagram(int i, boolean sized) {
        ByteBuffer out = ByteBuffer.allocate(sized ? 8 + i % 57 : 4).putInt(i);
        while (out.hasRemaining()) {
            out.put((byte) (i * 31 + out.position()));
        }
        return out.array();
    }

    private static int number(byte[] datagram) {
        return ByteBuffer.wrap(datagram).getInt();
    }

    /**
     * Sends {@code count} numbered datagrams through a relay with {@code fault} upstream and returns what reached the
     * target, in arrival order. Sent 100 at a time, each batch once the relay has read the one before, so no socket
     * buffer overflows; then end markers, until one has arrived and at least {@code expected} datagrams have (a
     * datagram reorder holds is released by the ones that pass it): the relay sends in order, so everything before the
     * marker has arrived.
     */
    private static List<byte[]> throughRelay(Fault fault, long seed, int count, boolean sized, int expected)
            throws Exception {
        try (Target target = new Target();
                Relay relay = Relay.start(RelayConfig.of(Endpoint.udp("127.0.0.1", 0), target.endpoint())
                        .withFaults(fault)
                        .withSeed(seed));
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.connect(relay.endpoint().inetSocketAddress());
            for (int i = 0; i < count; i++) {
                byte[] data = datagram(i, sized);
                client.send(new DatagramPacket(data, data.length));
                long sent = i + 1;
                if (sent % 100 == 0 || sent == count) {
                    await(() -> relay.stats().datagramsUpstream() == sent, "the relay to read " + sent);
                }
            }
            for (int attempt = 0; attempt < 200 && !(target.endSeen && target.count() >= expected); attempt++) {
                client.send(new DatagramPacket(END, END.length));
                long sent = count + attempt + 1L;
                await(() -> relay.stats().datagramsUpstream() == sent, "the relay to read the end marker");
                Thread.sleep(20);
            }
            assertTrue(target.endSeen, "no end marker got through");
            assertEquals(0, relay.stats().datagramsDropped(), "the relay itself dropped none: " + relay.stats());
            return target.received();
        }
    }

    private static BitSet throughRelay(Fault fault, long seed, int count) throws Exception {
        BitSet seen = new BitSet();
        for (byte[] datagram : throughRelay(fault, seed, count, false, 0)) {
            seen.set(number(datagram));
        }
        return seen;
    }

    @Test
    void dropAtRateZeroPointThreeDropsThirtyPercentOfTenThousand() throws Exception {
        BitSet seen = throughRelay(Fault.drop(0.3).withDirection(Direction.UPSTREAM), 2026, 10_000);
        int dropped = 10_000 - seen.cardinality();
        assertTrue(dropped >= 2700 && dropped <= 3300, dropped + " of 10,000 dropped");
    }

    @Test
    void theSameSeedDropsTheSameDatagramsTwice() throws Exception {
        Fault drop = Fault.drop(0.3).withDirection(Direction.UPSTREAM);
        BitSet first = throughRelay(drop, 99, 2000);
        assertEquals(first, throughRelay(drop, 99, 2000));
        assertNotEquals(first, throughRelay(drop, 100, 2000));
    }

    @Test
    void duplicateAtRateZeroPointThreeAddsThirtyPercentCopiesEachRightBeforeItsDatagram() throws Exception {
        List<byte[]> received =
                throughRelay(Fault.duplicate(0.3).withDirection(Direction.UPSTREAM), 2026, 10_000, false, 10_000);
        int extra = received.size() - 10_000;
        assertTrue(extra >= 2700 && extra <= 3300, extra + " copies of 10,000");
        // In order, each number once or twice in a row: a copy goes just before its datagram, nothing else changes.
        int expected = 0;
        for (int i = 0; i < received.size(); i++) {
            int n = number(received.get(i));
            if (i > 0 && n == number(received.get(i - 1)) && (i < 2 || number(received.get(i - 2)) != n)) {
                continue; // the datagram after its copy
            }
            assertEquals(expected++, n, "datagram at arrival " + i);
        }
        assertEquals(10_000, expected);
    }

    @Test
    void theSameSeedDuplicatesTheSameDatagramsTwice() throws Exception {
        assertReplays(Fault.duplicate(0.3).withDirection(Direction.UPSTREAM), false, 7);
    }

    /**
     * Reorder (rate 0.2, gap 3, a delay that never ends it here) holds a datagram until 3 later ones have passed it,
     * one at a time: so a datagram that arrives late arrives right after the 3 that follow it, and the fraction late is
     * {@code rate / (1 + rate * gap)}, 12.5 %: each datagram held makes the next 3 pass whatever is drawn for them.
     */
    @Test
    void reorderHoldsADatagramUntilGapLaterOnesHavePassedItOneAtATime() throws Exception {
        Fault reorder = reorder();
        List<Integer> order = numbers(throughRelay(reorder, 2026, 10_000, false, 10_000));
        assertEquals(10_000, order.size(), "nothing lost, nothing added");
        assertEquals(
                IntStream.range(0, 10_000).boxed().toList(),
                order.stream().sorted().toList());
        int late = 0;
        int highest = -1;
        for (int i = 0; i < order.size(); i++) {
            int n = order.get(i);
            if (n < highest) {
                late++;
                if (n + 3 < 10_000) { // (the last ones are passed by end markers, which are not in the list)
                    assertEquals(List.of(n + 1, n + 2, n + 3), order.subList(i - 3, i), "the 3 before " + n);
                }
            }
            highest = Math.max(highest, n);
        }
        assertTrue(late >= 1100 && late <= 1400, late + " of 10,000 late");
    }

    @Test
    void theSameSeedReordersTheSameDatagramsTwice() throws Exception {
        assertReplays(reorder(), false, 5);
    }

    private static Fault reorder() {
        return Fault.reorder(0.2)
                .with("gap", 3)
                .with("delay", Duration.ofMinutes(1))
                .withDirection(Direction.UPSTREAM);
    }

    @Test
    void corruptAtRateZeroPointThreeFlipsOneBitOfThirtyPercentAndKeepsEverySize() throws Exception {
        List<byte[]> received =
                throughRelay(Fault.corrupt(0.3).withDirection(Direction.UPSTREAM), 2026, 10_000, true, 10_000);
        assertEquals(10_000, received.size(), "none lost, none added");
        int corrupted = 0;
        for (int i = 0; i < received.size(); i++) {
            byte[] sent = datagram(i, true);
            byte[] got = received.get(i); // in order: nothing else reorders them
            assertEquals(sent.length, got.length, "datagram " + i + "'s size");
            int bits = 0;
            for (int k = 0; k < sent.length; k++) {
                bits += Integer.bitCount((sent[k] ^ got[k]) & 0xff);
            }
            assertTrue(bits <= 1, "datagram " + i + " has " + bits + " bits changed");
            corrupted += bits;
        }
        assertTrue(corrupted >= 2700 && corrupted <= 3300, corrupted + " of 10,000 corrupted");
    }

    @Test
    void theSameSeedCorruptsTheSameBitsTwice() throws Exception {
        assertReplays(Fault.corrupt(0.3).withDirection(Direction.UPSTREAM), true, 11);
    }

    /** 2,000 datagrams through {@code fault} arrive the same, bytes and order, twice with one seed, not with another. */
    private static void assertReplays(Fault fault, boolean sized, long seed) throws Exception {
        List<String> first = hex(throughRelay(fault, seed, 2000, sized, 2000));
        assertEquals(first, hex(throughRelay(fault, seed, 2000, sized, 2000)));
        assertNotEquals(first, hex(throughRelay(fault, seed + 1, 2000, sized, 2000)));
    }

    private static List<Integer> numbers(List<byte[]> datagrams) {
        return datagrams.stream().map(DatagramRelayFaultsTest::number).toList();
    }

    private static List<String> hex(List<byte[]> datagrams) {
        return datagrams.stream().map(HexFormat.of()::formatHex).toList();
    }

    @Test
    void latencyAddsItsDelayToADatagramRoundTrip() throws Exception {
        double plain = fastestRoundTrip(null);
        double added = fastestRoundTrip(Fault.latency(Duration.ofMillis(100))) - plain;
        assertTrue(added >= 80 && added <= 120, "latency 100ms added " + added + " ms");
    }

    private static double fastestRoundTrip(Fault fault) throws Exception {
        Fault[] faults = fault == null ? new Fault[0] : new Fault[] {fault};
        try (RelayedEcho echo = new RelayedEcho(Endpoint.udp("127.0.0.1", 0), 1, faults);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.connect(echo.relay().endpoint().inetSocketAddress());
            client.setSoTimeout(10_000);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                byte[] data = {(byte) i};
                DatagramPacket back = new DatagramPacket(new byte[8], 8);
                long start = System.nanoTime();
                client.send(new DatagramPacket(data, 1));
                client.receive(back);
                best = Math.min(best, System.nanoTime() - start);
                assertEquals(i, back.getData()[0]);
            }
            return best / 1e6;
        }
    }
}
