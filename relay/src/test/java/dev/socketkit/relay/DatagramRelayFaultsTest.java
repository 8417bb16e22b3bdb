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
import java.util.BitSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The datagram faults' effect through a real UDP relay, measured by real sockets on both sides. */
@Timeout(120)
class DatagramRelayFaultsTest {
    private static final int END = -1;

    /** A UDP target of the relay that records which numbered datagrams reached it. */
    private static final class Target implements AutoCloseable {
        final DatagramSocket socket;
        final BitSet seen = new BitSet();
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
            byte[] buffer = new byte[64];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                while (true) {
                    socket.receive(packet);
                    int number = ByteBuffer.wrap(buffer, 0, packet.getLength()).getInt();
                    synchronized (seen) {
                        if (number == END) {
                            endSeen = true;
                        } else {
                            seen.set(number);
                        }
                    }
                }
            } catch (IOException closed) {
                // closed: the test is over
            }
        }

        BitSet seen() {
            synchronized (seen) {
                return (BitSet) seen.clone();
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

    /**
     * Sends {@code count} numbered datagrams through a relay with {@code fault} upstream and returns which reached the
     * target. Sent 100 at a time, each batch once the relay has read the one before, so no socket buffer overflows;
     * then an end marker, again until one arrives: the relay sends in order, so everything before it has arrived.
     */
    private static BitSet throughRelay(Fault fault, long seed, int count) throws Exception {
        try (Target target = new Target();
                Relay relay = Relay.start(RelayConfig.of(Endpoint.udp("127.0.0.1", 0), target.endpoint())
                        .withFaults(fault)
                        .withSeed(seed));
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.connect(relay.endpoint().inetSocketAddress());
            for (int i = 0; i < count; i++) {
                client.send(new DatagramPacket(ByteBuffer.allocate(4).putInt(i).array(), 4));
                long sent = i + 1;
                if (sent % 100 == 0 || sent == count) {
                    await(() -> relay.stats().datagramsUpstream() == sent, "the relay to read " + sent);
                }
            }
            byte[] end = ByteBuffer.allocate(4).putInt(END).array();
            for (int attempt = 0; attempt < 200 && !target.endSeen; attempt++) {
                client.send(new DatagramPacket(end, 4));
                long sent = count + attempt + 1L;
                await(() -> relay.stats().datagramsUpstream() == sent, "the relay to read the end marker");
                Thread.sleep(20);
            }
            assertTrue(target.endSeen, "no end marker got through");
            assertEquals(0, relay.stats().datagramsDropped(), "the relay itself dropped none: " + relay.stats());
            return target.seen();
        }
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
