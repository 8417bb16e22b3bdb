package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.SocketKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fault model: the CLI's syntax, the Java methods, and a one-line message for every bad input. */
class FaultTest {
    @Test
    void parsesTypeDirectionAndAttributes() {
        Fault fault = Fault.parse("latency:downstream:latency=100ms,jitter=10ms");
        assertEquals(Fault.Type.LATENCY, fault.type());
        assertEquals(Set.of(Direction.DOWNSTREAM), fault.directions());
        assertEquals(Duration.ofMillis(100), fault.attributes().get("latency"));
        assertEquals(Duration.ofMillis(10), fault.attributes().get("jitter"));
        assertEquals("latency_downstream", fault.name());
        assertEquals(Fault.latency(Duration.ofMillis(100)).withJitter(Duration.ofMillis(10)), fault);
    }

    @Test
    void directionDefaultsToDownstreamAndNameFollowsIt() {
        assertEquals(
                Set.of(Direction.DOWNSTREAM), Fault.parse("bandwidth:rate=1000").directions());
        assertEquals("bandwidth_downstream", Fault.parse("bandwidth").name());
        assertEquals("bandwidth_upstream", Fault.parse("bandwidth:upstream").name());
        Fault both = Fault.parse("drop:both:rate=0.5");
        assertEquals(EnumSet.allOf(Direction.class), both.directions());
        assertEquals("drop_both", both.name());
        assertEquals(
                "mine",
                Fault.parse("drop:upstream:name=mine").withBothDirections().name());
    }

    @Test
    void unitsAreTheCliOnes() {
        assertEquals(
                64L * 1024, Fault.parse("bandwidth:rate=64KiB").attributes().get("rate"));
        assertEquals(
                64L * 1024, Fault.parse("bandwidth:rate=64k/s").attributes().get("rate"));
        assertEquals(
                Duration.ofSeconds(2),
                Fault.parse("timeout:timeout=2s").attributes().get("timeout"));
        assertEquals(
                Duration.ZERO, Fault.parse("timeout:timeout=0").attributes().get("timeout"));
        assertEquals(0.3, Fault.parse("drop:rate=0.3").attributes().get("rate"));
        assertEquals(0.5, Fault.parse("slicer:toxicity=0.5").toxicity());
    }

    @Test
    void everyAttributeHasADefault() {
        Fault slicer = Fault.of(Fault.Type.SLICER);
        assertEquals(1024L, slicer.attributes().get("average_size"));
        assertEquals(0L, slicer.attributes().get("size_variation"));
        assertEquals(Duration.ZERO, slicer.attributes().get("delay"));
        assertEquals(1.0, slicer.toxicity());
        assertEquals("1-", slicer.connections());
        assertEquals(
                Duration.ofMillis(100),
                Fault.of(Fault.Type.REORDER).attributes().get("delay"));
    }

    @Test
    void toStringParsesBack() {
        for (String spec : new String[] {
            "latency:both:latency=1s,jitter=5ms,connections=3n+1,name=slow",
            "slicer:upstream:average_size=100,size_variation=10,delay=2ms,toxicity=0.25",
            "reorder:gap=3",
            "limit_data:bytes=64KiB,connections=2-4"
        }) {
            Fault fault = Fault.parse(spec);
            assertEquals(fault, Fault.parse(fault.toString()), spec);
        }
    }

    @Test
    void attributesMayComeInAnyOrder() {
        Fault fault = Fault.parse("slicer:size_variation=2000,average_size=4000");
        assertEquals(4000L, fault.attributes().get("average_size"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "lag:downstream | unknown fault 'lag'; accepted: latency, bandwidth, slicer, limit_data, timeout,"
                        + " reset_peer, slow_close, drop, duplicate, reorder, corrupt",
                "latency:sideways | 'sideways' is not a fault direction; accepted: upstream, downstream, both",
                "latency:delay=1s | latency has no attribute 'delay'; accepted: latency, jitter, toxicity,"
                        + " connections, name",
                "latency:latency=2h | latency latency=2h is out of range; accepted: 0s to 1h",
                "latency:latency=100 | latency latency=100: '100' needs a unit (ms, s, m or h); a duration such as"
                        + " 100ms or 2s, 0s to 1h",
                "latency:latency=fast | latency latency=fast: 'fast' is not a duration (e.g. 500ms, 2s, 1m, 1h);"
                        + " a duration such as 100ms or 2s, 0s to 1h",
                "drop:rate=1.5 | drop rate=1.5 is out of range; accepted: 0.0 to 1.0",
                "drop:toxicity=-1 | drop toxicity=-1.0 is out of range; accepted: 0.0 to 1.0",
                "slicer:average_size=0 | slicer average_size=0 is out of range; accepted: 1 to 67108864",
                "slicer:average_size=10,size_variation=10 | slicer size_variation=10 is out of range; accepted: 0"
                        + " to average_size - 1 (9)",
                "bandwidth:rate=lots | bandwidth rate=lots: 'lots' is not a whole number of bytes (e.g. 4096 or"
                        + " 64k); bytes per second such as 65536 or 64KiB, 0 to 1099511627776",
                "reorder:gap=0 | reorder gap=0 is out of range; accepted: 1 to 1000",
                "latency:latency | 'latency' is not a fault direction; accepted: upstream, downstream, both",
                "latency:up:latency | 'up' is not a fault direction; accepted: upstream, downstream, both",
                "latency:upstream:latency | 'latency' in fault 'latency:upstream:latency' is not ATTR=VALUE;"
                        + " attributes are separated by commas",
                "drop:connections=0 | connections=0 selects no connection; accepted: N, N-M, N- (from N on), Kn"
                        + " (every K-th) or Kn+B, N and K from 1",
                "drop:connections=5-2 | connections=5-2 selects no connection; accepted: N, N-M, N- (from N on), Kn"
                        + " (every K-th) or Kn+B, N and K from 1",
                "drop:connections=odd | connections=odd is not a selection; accepted: N, N-M, N- (from N on), Kn"
                        + " (every K-th) or Kn+B, N and K from 1",
                "drop:name=a:b | 'name=a' is not a fault direction; accepted: upstream, downstream, both",
            })
    void badInputIsOneLineNamingTheValueAndWhatIsAccepted(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fault.parse(spec));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aFaultOnAKindItCannotApplyToIsRefused() {
        IllegalArgumentException stream = assertThrows(
                IllegalArgumentException.class, () -> Fault.parse("slicer").requireAppliesTo(SocketKind.UDP));
        assertEquals(
                "fault 'slicer' applies to stream relays (tcp, tls, unix) only, not to a udp relay",
                stream.getMessage());
        IllegalArgumentException datagram = assertThrows(
                IllegalArgumentException.class, () -> Fault.parse("drop").requireAppliesTo(SocketKind.UNIX));
        assertEquals(
                "fault 'drop' applies to datagram relays (udp, unixgram) only, not to a unix relay",
                datagram.getMessage());
        assertTrue(Fault.parse("latency").appliesTo(SocketKind.UNIXGRAM));
        assertTrue(Fault.parse("latency").appliesTo(SocketKind.TCP));
        IllegalArgumentException added = assertThrows(
                IllegalArgumentException.class, () -> new Faults(SocketKind.UDP, 1).add(Fault.parse("timeout")));
        assertEquals(
                "fault 'timeout' applies to stream relays (tcp, tls, unix) only, not to a udp relay",
                added.getMessage());
    }

    @Test
    void aSecondFaultOfTheSameNameIsRefused() {
        Faults faults = new Faults(SocketKind.TCP, 1);
        faults.add(Fault.parse("latency:latency=10ms"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> faults.add(Fault.parse("latency:latency=20ms")));
        assertEquals(
                "a fault named 'latency_downstream' is already there; remove it first, or give this one another"
                        + " name=",
                e.getMessage());
        faults.add(Fault.parse("latency:latency=20ms,name=more"));
        assertEquals(2, faults.list().size());
        assertTrue(faults.remove("latency_downstream"));
        assertFalse(faults.remove("latency_downstream"));
        faults.clear();
        assertTrue(faults.list().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2, 2",
        "2-4, 2 3 4",
        "8-, 8 9 10 11 12",
        "3n, 3 6 9 12",
        "3n+1, 1 4 7 10",
        "4n+6, 6 10",
        "1n, 1 2 3 4 5 6 7 8 9 10 11 12"
    })
    void connectionsSelectByOrdinal(String selection, String expected) {
        ConnectionSelector selector = ConnectionSelector.parse(selection);
        String chosen = LongStream.rangeClosed(1, 12)
                .filter(selector::matches)
                .mapToObj(Long::toString)
                .reduce((a, b) -> a + " " + b)
                .orElse("");
        assertEquals(expected, chosen);
    }
}
