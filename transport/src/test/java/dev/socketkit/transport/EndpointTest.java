package dev.socketkit.transport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing, printing and comparing endpoint URIs. */
class EndpointTest {

    static Stream<Arguments> goodInputs() {
        return Stream.of(
                Arguments.of("tcp://127.0.0.1:8090", "tcp://127.0.0.1:8090"),
                Arguments.of("TCP://localhost:80", "tcp://localhost:80"),
                Arguments.of("localhost:80", "tcp://localhost:80"),
                Arguments.of("  tcp://example.com:443  ", "tcp://example.com:443"),
                Arguments.of("tcp://example.com:443/", "tcp://example.com:443"),
                Arguments.of("tcp://[::1]:8090", "tcp://[::1]:8090"),
                Arguments.of("[::1]:8090", "tcp://[::1]:8090"),
                Arguments.of(":8090", "tcp://127.0.0.1:8090"),
                Arguments.of(" :0 ", "tcp://127.0.0.1:0"),
                Arguments.of("tcp://[fe80::1%eth0]:22", "tcp://[fe80::1%eth0]:22"),
                Arguments.of("tls://example.com:443", "tls://example.com:443"),
                Arguments.of("TLS://[::1]:8443", "tls://[::1]:8443"),
                Arguments.of("udp://[::1]:9000", "udp://[::1]:9000"),
                Arguments.of("udp://0.0.0.0:65535", "udp://0.0.0.0:65535"),
                Arguments.of("unix:///tmp/a.sock", "unix:///tmp/a.sock"),
                Arguments.of("unix:/tmp/a.sock", "unix:///tmp/a.sock"),
                Arguments.of("unix:rel/a.sock", "unix:rel/a.sock"),
                Arguments.of("UNIX:a.sock", "unix:a.sock"),
                Arguments.of("unixgram:///tmp/log.sock", "unixgram:///tmp/log.sock"),
                Arguments.of("unixgram:relative.sock", "unixgram:relative.sock"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("goodInputs")
    void parsesEachGoodInputToItsCanonicalForm(String text, String canonical) {
        assertEquals(canonical, Endpoint.parse(text).toString());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("goodInputs")
    void readsItsOwnCanonicalFormBackToAnEqualEndpoint(String text, String canonical) {
        Endpoint endpoint = Endpoint.parse(text);
        Endpoint reread = Endpoint.parse(endpoint.toString());
        assertEquals(endpoint, reread);
        assertEquals(canonical, reread.toString());
    }

    @Test
    void aTlsEndpointIsTcpThatAsksForTls() {
        Endpoint tls = Endpoint.parse("tls://127.0.0.1:8443");
        assertAll(
                () -> assertEquals(SocketKind.TCP, tls.kind()),
                () -> assertTrue(tls.isTls()),
                () -> assertEquals("127.0.0.1", tls.host()),
                () -> assertEquals(8443, tls.port()),
                () -> assertEquals(Endpoint.tls("127.0.0.1", 8443), tls),
                () -> assertNotEquals(Endpoint.tcp("127.0.0.1", 8443), tls),
                () -> assertEquals(Endpoint.tcp("127.0.0.1", 8443), tls.withTls(false)),
                () -> assertEquals(tls, Endpoint.tcp("127.0.0.1", 8443).withTls(true)),
                () -> assertEquals("tls://127.0.0.1:9", tls.withPort(9).toString()),
                () -> assertEquals(false, Endpoint.parse("tcp://127.0.0.1:1").isTls()));
    }

    @Test
    void onlyTcpEndpointsCanAskForTls() {
        IllegalArgumentException udp = assertThrows(IllegalArgumentException.class, () -> Endpoint.udp("127.0.0.1", 9)
                .withTls(true));
        assertEquals("tls:// names TLS over TCP only, not udp endpoints", udp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.unix("/tmp/a.sock")
                .withTls(true));
        IllegalArgumentException noSlashes =
                assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("tls:example.com:443"));
        assertEquals("expected tls://HOST:PORT, got 'tls:example.com:443'", noSlashes.getMessage());
    }

    @Test
    void splitsAnInetEndpointIntoKindHostAndPort() {
        Endpoint endpoint = Endpoint.parse("udp://[::1]:9000");
        assertAll(
                () -> assertEquals(SocketKind.UDP, endpoint.kind()),
                () -> assertEquals("::1", endpoint.host()),
                () -> assertEquals(9000, endpoint.port()));
    }

    @Test
    void readsABareHostAndPortAsTcp() {
        Endpoint endpoint = Endpoint.parse("localhost:80");
        assertAll(
                () -> assertEquals(SocketKind.TCP, endpoint.kind()),
                () -> assertEquals("localhost", endpoint.host()),
                () -> assertEquals(80, endpoint.port()));
    }

    @Test
    void keepsAUnixPathAsGivenAbsoluteOrRelative() {
        assertAll(
                () -> assertEquals(
                        "/tmp/a.sock", Endpoint.parse("unix:///tmp/a.sock").path()),
                () -> assertEquals(
                        "rel/a.sock", Endpoint.parse("unix:rel/a.sock").path()),
                () -> assertEquals(
                        SocketKind.UNIX, Endpoint.parse("unix:rel/a.sock").kind()),
                () -> assertEquals(
                        SocketKind.UNIXGRAM,
                        Endpoint.parse("unixgram:///tmp/log.sock").kind()));
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("http://example.com:80", "unknown scheme 'http'"),
                Arguments.of("", "empty endpoint"),
                Arguments.of("   ", "empty endpoint"),
                Arguments.of("localhost", "missing port in 'localhost'"),
                Arguments.of("tcp://example.com", "missing port in 'tcp://example.com'"),
                Arguments.of("tcp://example.com:", "missing port in 'tcp://example.com:'"),
                Arguments.of("tcp://[::1]", "missing port in 'tcp://[::1]'"),
                Arguments.of("tcp://h:65536", "port '65536' in 'tcp://h:65536' is out of range 0-65535"),
                Arguments.of("udp://h:-1", "port '-1' in 'udp://h:-1' is out of range 0-65535"),
                Arguments.of("tcp://h:http", "port 'http' in 'tcp://h:http' is not a number"),
                Arguments.of("tcp://::1:80", "IPv6 address '::1' in 'tcp://::1:80' must be in brackets: [::1]"),
                Arguments.of("tcp://[::1:80", "missing ']' after IPv6 address in 'tcp://[::1:80'"),
                Arguments.of("tcp://:80", "missing host in 'tcp://:80'"),
                Arguments.of(":65536", "port '65536' in ':65536' is out of range 0-65535"),
                Arguments.of(":http", "port 'http' in ':http' is not a number"),
                Arguments.of("tcp://[]:80", "missing host in 'tcp://[]:80'"),
                Arguments.of("tcp:h:80", "expected tcp://HOST:PORT, got 'tcp:h:80'"),
                Arguments.of("unix://host/path", "unexpected host 'host' in 'unix://host/path'"),
                Arguments.of("unixgram://host/path", "unexpected host 'host' in 'unixgram://host/path'"),
                Arguments.of("unix:", "missing path in 'unix:'"),
                Arguments.of("unix://", "missing path in 'unix://'"),
                Arguments.of("unixgram:", "missing path in 'unixgram:'"),
                Arguments.of("tcp://h:1/path", "unexpected path in 'tcp://h:1/path'"),
                Arguments.of("unix:a\0b", "NUL character in unix path"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "tcp://status:200", "tls://h:1", "udp://h:1", "unix:a.sock", "UNIXGRAM:/tmp/g.sock", "http://h:1",
                ":8090", ":99999", "127.0.0.1:8090", "[::1]:8090", "localhost:80", "db.example.org:5432",
                "example.org.:443", "localhost:123456"
            })
    void readsASchemeAPortAloneOrAnAddressLikeHostAsAnEndpoint(String text) {
        assertTrue(Endpoint.looksLikeEndpoint(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"status:200", "hello", "a:b", "key:value", "x:", "localhost", "10:30 pm", "::"})
    void readsAOneWordHostOrNoNumericPortAsData(String text) {
        assertFalse(Endpoint.looksLikeEndpoint(text), text);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badInputs")
    void rejectsEachMalformedInputNamingTheBadPart(String text, String expectedFragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
        assertTrue(
                e.getMessage().contains(expectedFragment),
                () -> "message '" + e.getMessage() + "' should contain '" + expectedFragment + "'");
    }

    @Test
    void acceptsPortZeroForAnyFreePort() {
        assertAll(
                () -> assertEquals(0, Endpoint.parse("tcp://127.0.0.1:0").port()),
                () -> assertEquals(0, Endpoint.parse("udp://[::1]:0").port()),
                () -> assertEquals(
                        "tcp://localhost:0", Endpoint.tcp("localhost", 0).toString()));
    }

    @Test
    void factoriesRejectOutOfRangePortsAndEmptyHosts() {
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> Endpoint.tcp("h", 65536)),
                () -> assertThrows(IllegalArgumentException.class, () -> Endpoint.udp("h", -1)),
                () -> assertThrows(IllegalArgumentException.class, () -> Endpoint.tcp("", 80)),
                () -> assertThrows(IllegalArgumentException.class, () -> Endpoint.unix("")),
                () -> assertThrows(IllegalArgumentException.class, () -> Endpoint.unixgram("")));
    }

    @Test
    void factoriesStripBracketsFromAnIpv6Host() {
        Endpoint endpoint = Endpoint.tcp("[::1]", 8090);
        assertAll(
                () -> assertEquals("::1", endpoint.host()),
                () -> assertEquals("tcp://[::1]:8090", endpoint.toString()));
    }

    @Test
    void withPortChangesOnlyThePort() {
        Endpoint original = Endpoint.parse("udp://[::1]:0");
        Endpoint moved = original.withPort(9000);
        assertAll(
                () -> assertEquals("udp://[::1]:9000", moved.toString()),
                () -> assertEquals(SocketKind.UDP, moved.kind()),
                () -> assertEquals("::1", moved.host()),
                () -> assertEquals(0, original.port(), "the original is immutable"));
    }

    @Test
    void withPortRejectsAnOutOfRangePort() {
        Endpoint endpoint = Endpoint.tcp("localhost", 80);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> endpoint.withPort(65536));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
    }

    @Test
    void endpointsThatPrintTheSameAreEqualWithEqualHashCodes() {
        Endpoint parsed = Endpoint.parse("localhost:80");
        Endpoint built = Endpoint.tcp("localhost", 80);
        Endpoint ipv6Parsed = Endpoint.parse("tcp://[::1]:80");
        Endpoint ipv6Built = Endpoint.tcp("::1", 80);
        assertAll(
                () -> assertEquals(parsed, built),
                () -> assertEquals(parsed.hashCode(), built.hashCode()),
                () -> assertEquals(ipv6Parsed, ipv6Built),
                () -> assertEquals(ipv6Parsed.hashCode(), ipv6Built.hashCode()),
                () -> assertEquals(Endpoint.unix("/tmp/a.sock"), Endpoint.parse("unix:/tmp/a.sock")));
    }

    @Test
    void endpointsDifferingInKindHostPortOrPathAreNotEqual() {
        Endpoint tcp = Endpoint.tcp("localhost", 80);
        assertAll(
                () -> assertNotEquals(tcp, Endpoint.udp("localhost", 80)),
                () -> assertNotEquals(tcp, Endpoint.tcp("localhost", 81)),
                () -> assertNotEquals(tcp, Endpoint.tcp("127.0.0.1", 80)),
                () -> assertNotEquals(Endpoint.unix("a.sock"), Endpoint.unixgram("a.sock")),
                () -> assertNotEquals(Endpoint.unix("a.sock"), Endpoint.unix("/a.sock")),
                () -> assertNotEquals(tcp, (Object) "tcp://localhost:80"),
                () -> assertNotEquals(tcp, null));
    }

    @Test
    void unixEndpointsHaveNoHostOrPort() {
        Endpoint unix = Endpoint.unix("/tmp/a.sock");
        assertAll(
                () -> assertThrows(IllegalStateException.class, unix::host),
                () -> assertThrows(IllegalStateException.class, unix::port),
                () -> assertThrows(IllegalStateException.class, () -> unix.withPort(1)),
                () -> assertThrows(IllegalStateException.class, unix::inetSocketAddress));
    }

    @Test
    void inetEndpointsHaveNoPath() {
        Endpoint tcp = Endpoint.tcp("localhost", 80);
        IllegalStateException e = assertThrows(IllegalStateException.class, tcp::path);
        assertTrue(e.getMessage().contains("tcp://localhost:80"), e.getMessage());
        assertThrows(IllegalStateException.class, tcp::pathLengthInBytes);
    }

    @Test
    void ofGivesTheRealPortOfABoundTcpSocket() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Endpoint endpoint = Endpoint.of(SocketKind.TCP, (InetSocketAddress) server.getLocalSocketAddress());
            assertAll(
                    () -> assertEquals(SocketKind.TCP, endpoint.kind()),
                    () -> assertEquals(server.getLocalPort(), endpoint.port()),
                    () -> assertNotEquals(0, endpoint.port()),
                    () -> assertEquals("127.0.0.1", endpoint.host()),
                    () -> assertEquals("tcp://127.0.0.1:" + server.getLocalPort(), endpoint.toString()));
        }
    }

    @Test
    void ofGivesTheRealPortOfABoundUdpSocket() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Endpoint endpoint = Endpoint.of(SocketKind.UDP, (InetSocketAddress) socket.getLocalSocketAddress());
            assertAll(
                    () -> assertEquals(SocketKind.UDP, endpoint.kind()),
                    () -> assertEquals(socket.getLocalPort(), endpoint.port()),
                    () -> assertNotEquals(0, endpoint.port()));
        }
    }

    @Test
    void ofDropsTheScopeOfAnIpv6Loopback() throws IOException {
        byte[] loopback = new byte[16];
        loopback[15] = 1;
        Inet6Address scoped = Inet6Address.getByAddress(null, loopback, 1);
        Endpoint endpoint = Endpoint.of(SocketKind.TCP, new InetSocketAddress(scoped, 8090));
        assertAll(
                () -> assertTrue(scoped.getHostAddress().contains("%"), scoped::getHostAddress),
                () -> assertEquals("::1", endpoint.host()),
                () -> assertEquals(endpoint, Endpoint.parse(endpoint.toString())));
    }
}
