package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code socketkit resolve HOST} prints addresses and name on loopback names, and refuses what cannot resolve. */
@Timeout(60)
class ResolveCommandIT {
    /** Exit status 3, which --help documents; SocketKitProcess spells out only 0, 1 and 2. */
    private static final int EXIT_TIMED_OUT = 3;

    @Test
    void localhostPrintsEveryAddressTheResolverKnowsThenItsName() throws Exception {
        List<String> expected = addressLines("localhost", false);
        expected.add("fqdn " + InetAddress.getByName("localhost").getCanonicalHostName());

        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "localhost")) {
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + socketkit);
            assertTrue(socketkit.stdout().contains("address 127.0.0.1"), () -> "stdout; " + socketkit);
            assertEquals(expected, socketkit.stdout(), () -> "stdout; " + socketkit);
            assertEquals(List.of(), socketkit.stderr(), () -> "stderr; " + socketkit);
        }
    }

    @Test
    void aNameWithBothFamiliesPrintsIpv4ThenIpv6EachAddressOnce(@TempDir Path dir) throws Exception {
        try (SocketKitProcess socketkit = withHostsFile(dir, "resolve", "dual.test")) {
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + socketkit);
            assertEquals(
                    List.of("address 127.0.0.1", "address 127.0.0.2", "address ::1", "fqdn dual.test"),
                    socketkit.stdout(),
                    () -> "stdout; " + socketkit);
            assertEquals(List.of(), socketkit.stderr(), () -> "stderr; " + socketkit);
        }
    }

    @Test
    void dashFourAndDashSixKeepOnlyTheirFamily(@TempDir Path dir) throws Exception {
        try (SocketKitProcess ipv4 = withHostsFile(dir, "resolve", "-4", "dual.test")) {
            assertEquals(EXIT_OK, ipv4.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + ipv4);
            assertEquals(
                    List.of("address 127.0.0.1", "address 127.0.0.2", "fqdn dual.test"),
                    ipv4.stdout(),
                    () -> "stdout; " + ipv4);
        }
        try (SocketKitProcess ipv6 = withHostsFile(dir, "resolve", "-6", "dual.test")) {
            assertEquals(EXIT_OK, ipv6.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + ipv6);
            assertEquals(List.of("address ::1", "fqdn dual.test"), ipv6.stdout(), () -> "stdout; " + ipv6);
        }
    }

    @Test
    void anIpv4AddressResolvesToItselfAndTheNameItMapsBackTo() throws Exception {
        String name = InetAddress.getByName("127.0.0.1").getCanonicalHostName();

        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "127.0.0.1")) {
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + socketkit);
            assertEquals(
                    List.of("address 127.0.0.1", "fqdn " + name), socketkit.stdout(), () -> "stdout; " + socketkit);
            assertEquals(List.of(), socketkit.stderr(), () -> "stderr; " + socketkit);
        }
    }

    @Test
    void theIpv6LoopbackIsPrintedInRfc5952Form() throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        String canonical = loopback.getCanonicalHostName();
        // No name maps back to ::1 unless /etc/hosts says so; then the name is the address as given, like getfqdn.
        String name = canonical.equals(loopback.getHostAddress()) ? "::1" : canonical;

        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "::1")) {
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + socketkit);
            assertEquals(List.of("address ::1", "fqdn " + name), socketkit.stdout(), () -> "stdout; " + socketkit);
            assertEquals(List.of(), socketkit.stderr(), () -> "stderr; " + socketkit);
        }
    }

    @Test
    void dashFourPrintsOnlyIpv4Addresses() throws Exception {
        List<String> expected = addressLines("localhost", true);

        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "-4", "localhost")) {
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + socketkit);
            List<String> lines = socketkit.stdout();
            List<String> addresses =
                    lines.stream().filter(line -> line.startsWith("address ")).toList();
            assertEquals(expected, addresses, () -> "address lines; " + socketkit);
            assertFalse(addresses.stream().anyMatch(line -> line.contains(":")), () -> "an IPv6 line; " + socketkit);
            assertTrue(lines.get(lines.size() - 1).startsWith("fqdn "), () -> "last line; " + socketkit);
        }
    }

    @Test
    void dashSixOnAnIpv4AddressDoesNotResolve() throws Exception {
        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "-6", "127.0.0.1")) {
            socketkit.assertRefused(EXIT_FAILURE, "cannot resolve '127.0.0.1'", "no IPv6 address");
        }
    }

    @Test
    void dashFourWithDashSixIsAUsageError() throws Exception {
        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "-4", "-6", "localhost")) {
            socketkit.assertRefused(EXIT_USAGE, "-4", "-6");
        }
    }

    @Test
    void anInvalidTopLevelDomainDoesNotResolve() throws Exception {
        // RFC 2606 reserves .invalid: no resolver answers a name in it.
        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "no-such-host.invalid")) {
            String line = socketkit.assertRefused(EXIT_FAILURE);
            assertEquals("socketkit: cannot resolve 'no-such-host.invalid': unknown host", line);
        }
    }

    @Test
    void aBadTimeoutIsRefusedBeforeAnyLookup() throws Exception {
        // The host would not resolve (exit 1): exit 2 shows the value was checked first.
        try (SocketKitProcess socketkit =
                SocketKitProcess.start("resolve", "--timeout", "abc", "no-such-host.invalid")) {
            socketkit.assertRefused(EXIT_USAGE, "--timeout", "'abc'");
        }
    }

    @Test
    void anEmptyHostIsAUsageError() throws Exception {
        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "")) {
            socketkit.assertRefused(EXIT_USAGE, "HOST", "empty");
        }
    }

    @Test
    void aResolverThatDoesNotAnswerTimesOut(@TempDir Path dir) throws Exception {
        // A named pipe as the JVM's hosts file: reading it blocks until a writer comes, and none does.
        Path fifo = dir.resolve("hosts");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString())
                .redirectErrorStream(true)
                .start();
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo is not available");

        try (SocketKitProcess socketkit = SocketKitProcess.startWithJvmOptions(
                List.of("-Djdk.net.hosts.file=" + fifo), "resolve", "--timeout", "500ms", "localhost")) {
            String line = socketkit.assertRefused(EXIT_TIMED_OUT);
            assertEquals("socketkit: resolving 'localhost' timed out after 500ms", line);
        }
    }

    @Test
    void helpListsTheFormatAndTheTimeoutExitStatus() throws Exception {
        try (SocketKitProcess socketkit = SocketKitProcess.start("resolve", "--help")) {
            assertEquals(EXIT_OK, socketkit.awaitExit(SocketKitProcess.EXIT_TIMEOUT), () -> "exit; " + socketkit);
            String help = String.join("\n", socketkit.stdout());
            assertTrue(help.contains("address ADDR"), help);
            assertTrue(help.contains("fqdn NAME"), help);
            assertTrue(help.contains("3  the resolver did not answer within --timeout"), help);
        }
    }

    /**
     * {@code socketkit ARGS} in a JVM that resolves from a hosts file of its own instead of the OS resolver, where
     * {@code dual.test} has two IPv4 addresses (one listed twice) and one IPv6 address, IPv6 first.
     */
    private static SocketKitProcess withHostsFile(Path dir, String... args) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(
                hosts, "::1 dual.test\n127.0.0.1 dual.test\n127.0.0.2 dual.test\n127.0.0.1 dual.test\n", UTF_8);
        return SocketKitProcess.startWithJvmOptions(List.of("-Djdk.net.hosts.file=" + hosts), args);
    }

    /** {@code address ADDR} lines as the JVM running the tests resolves {@code host}: IPv4 first, no duplicates. */
    private static List<String> addressLines(String host, boolean ipv4Only) throws Exception {
        Set<String> lines = new LinkedHashSet<>();
        InetAddress[] all = InetAddress.getAllByName(host);
        for (InetAddress address : all) {
            if (address instanceof Inet4Address) {
                lines.add("address " + NetUtil.toAddressString(address));
            }
        }
        for (InetAddress address : all) {
            if (!ipv4Only && !(address instanceof Inet4Address)) {
                lines.add("address " + NetUtil.toAddressString(address));
            }
        }
        return new ArrayList<>(lines);
    }
}
