package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code socketkit resolve} orders and writes addresses, and writes its timeout, without any lookup. */
class ResolveCommandTest {

    @Test
    void ipv4AddressesComeFirstInResolverOrderThenIpv6WithoutDuplicates() throws Exception {
        List<InetAddress> resolved = List.of(
                address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                address(10, 0, 0, 2),
                address(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                address(127, 0, 0, 1),
                address(10, 0, 0, 2),
                address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));

        assertEquals(List.of("10.0.0.2", "127.0.0.1", "::1", "2001:db8::1"), ResolveCommand.lines(resolved));
    }

    @Test
    void ipv6AddressesAreWrittenInRfc5952Form() throws Exception {
        assertEquals(
                "2001:db8::1:0:0:1",
                ResolveCommand.format(address(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1)));
    }

    @Test
    void aScopedIpv6AddressKeepsItsScope() throws Exception {
        byte[] linkLocal = bytes(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

        assertEquals("fe80::1%7", ResolveCommand.format(Inet6Address.getByAddress(null, linkLocal, 7)));
    }

    @Test
    void theTimeoutIsWrittenInItsLargestWholeUnit() {
        assertEquals("5s", ResolveCommand.describe(Duration.ofSeconds(5)));
        assertEquals("500ms", ResolveCommand.describe(Duration.ofMillis(500)));
        assertEquals("1500ms", ResolveCommand.describe(Duration.ofMillis(1500)));
        assertEquals("2m", ResolveCommand.describe(Duration.ofSeconds(120)));
    }

    private static InetAddress address(int... octets) throws UnknownHostException {
        return InetAddress.getByAddress(bytes(octets));
    }

    private static byte[] bytes(int... octets) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        return bytes;
    }
}
