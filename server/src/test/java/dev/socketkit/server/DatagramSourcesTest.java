package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The datagram guards' decisions, source by source: what could loop, what is over its rate, what would amplify. The
 * sources are forged here as an attacker forges them on the wire; {@code DatagramGuardIT} sends real ones.
 */
class DatagramSourcesTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private DatagramSources sources(int rate, boolean amplification) {
        return new DatagramSources(SERVER, rate, amplification, clock::get);
    }

    @ParameterizedTest(name = "source port {0}")
    @ValueSource(ints = {0, 7, 9, 13, 17, 19, 37})
    void aSourcePortWhoseServiceAnswersEverythingIsNeverAnswered(int port) {
        assertEquals(Guard.DATAGRAM_LOOP, sources(0, false).admit(new InetSocketAddress("127.0.0.1", port), 1));
    }

    @Test
    void theServersOwnAddressIsNeverAnswered() {
        DatagramSources sources = sources(0, false);
        assertEquals(Guard.DATAGRAM_LOOP, sources.admit(SERVER, 1));
        assertNull(sources.admit(CLIENT, 1), "an ordinary client must be answered");
        assertNull(
                sources.admit(new InetSocketAddress("127.0.0.2", SERVER.getPort()), 1),
                "another address with the same port is another socket");
    }

    @Test
    void onAWildcardBindEveryLocalAddressWithTheServersPortIsTheServerItself() {
        DatagramSources sources = new DatagramSources(new InetSocketAddress(9000), 0, false, clock::get);
        assertEquals(Guard.DATAGRAM_LOOP, sources.admit(new InetSocketAddress("127.0.0.1", 9000), 1));
        assertEquals(Guard.DATAGRAM_LOOP, sources.admit(new InetSocketAddress("::1", 9000), 1));
        assertNull(sources.admit(new InetSocketAddress("127.0.0.1", 9001), 1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"255.255.255.255", "224.0.0.1", "ff02::1", "0.0.0.0", "::"})
    void broadcastMulticastAndWildcardSourcesAreNeverAnswered(String address) {
        assertEquals(Guard.DATAGRAM_LOOP, sources(0, false).admit(new InetSocketAddress(address, 5000), 1));
    }

    @Test
    void aUnixDatagramFromTheServersOwnPathIsNeverAnswered() {
        DatagramSources sources =
                new DatagramSources(new DomainSocketAddress("/tmp/server.sock"), 0, false, clock::get);
        assertEquals(Guard.DATAGRAM_LOOP, sources.admit(new DomainSocketAddress("/tmp/server.sock"), 1));
        assertNull(sources.admit(new DomainSocketAddress("/tmp/client.sock"), 1));
    }

    @Test
    void aSourceGetsItsRateAsABurstThenOneDatagramPerIntervalAsTheBucketRefills() {
        DatagramSources sources = sources(100, false);
        for (int i = 0; i < 100; i++) {
            assertNull(sources.admit(CLIENT, 1), "datagram " + i + " of the first second's burst");
        }
        assertEquals(Guard.DATAGRAM_RATE, sources.admit(CLIENT, 1), "the 101st in the same instant is over budget");
        InetSocketAddress other = new InetSocketAddress("127.0.0.1", 40001);
        assertNull(sources.admit(other, 1), "one source's budget is its own");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        assertNull(sources.admit(CLIENT, 1), "10 ms at 100 a second refill one datagram");
        assertEquals(Guard.DATAGRAM_RATE, sources.admit(CLIENT, 1));

        clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        int admitted = 0;
        while (sources.admit(CLIENT, 1) == null && admitted < 1000) {
            admitted++;
        }
        assertEquals(100, admitted, "an idle source gets a full bucket back, and no more");
    }

    @Test
    void answersToASourceAreCappedAtThreeTimesWhatItSent() {
        DatagramSources sources = sources(0, true);
        assertNull(sources.admit(CLIENT, 10));
        assertNull(sources.mayAnswer(CLIENT, 24));
        assertEquals(Guard.DATAGRAM_AMPLIFICATION, sources.mayAnswer(CLIENT, 7), "24 + 7 is more than 3 × 10");
        assertNull(sources.mayAnswer(CLIENT, 6), "24 + 6 is exactly 3 × 10");
        assertEquals(
                Guard.DATAGRAM_AMPLIFICATION,
                sources.mayAnswer(new InetSocketAddress("127.0.0.1", 40002), 1),
                "a recipient that sent nothing gets nothing");
    }

    @Test
    void withoutALimitNoSourceIsRemembered() {
        DatagramSources sources = sources(0, false);
        for (int port = 1024; port < 3024; port++) {
            assertNull(sources.admit(new InetSocketAddress("127.0.0.1", port), 1));
        }
        assertNull(sources.mayAnswer(CLIENT, 1_000_000));
        assertEquals(0, sources.remembered());
    }

    @Test
    void aFloodOfForgedSourcesCannotGrowTheTableBeyondItsBound() {
        DatagramSources sources = sources(10, true);
        int forged = 3 * DatagramSources.MAX_SOURCES;
        for (int i = 0; i < forged; i++) {
            String address = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
            assertNull(sources.admit(new InetSocketAddress(address, 40000), 1));
        }
        assertEquals(DatagramSources.MAX_SOURCES, sources.remembered());
        assertFalse(sources.mayLoop(CLIENT));
        assertTrue(sources.mayLoop(SERVER));
    }
}
