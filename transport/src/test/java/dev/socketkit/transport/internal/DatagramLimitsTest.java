package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.SocketKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The read sizes that take any datagram whole. */
class DatagramLimitsTest {
    private static final Path WMEM_MAX = Path.of("/proc/sys/net/core/wmem_max");

    @Test
    void unixDatagramLimitIsTwiceTheWholeWmemMax() throws IOException {
        assumeTrue(Files.isReadable(WMEM_MAX), "no /proc/sys/net/core/wmem_max: not Linux");
        // cat-style read: the file reports size 0, so read it as a stream, as a shell would.
        long wmemMax;
        try (var in = Files.newInputStream(WMEM_MAX)) {
            wmemMax = Long.parseLong(new String(in.readAllBytes()).strip());
        }
        assertEquals((int) Math.min(2 * wmemMax, 16L << 20), DatagramLimits.maxUnixDatagram());
    }

    @Test
    void udpLimitTakesTheLargestIpv6Payload() {
        assertEquals(65_527, DatagramLimits.maxDatagram(SocketKind.UDP));
    }
}
