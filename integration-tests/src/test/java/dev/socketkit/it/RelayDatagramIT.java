package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.relay.Relay;
import dev.socketkit.relay.RelayConfig;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The datagram relay between Python's sockets (a peer we did not write, and one that can send an empty datagram) and
 * socketkit's echo server, over every transport and every pair of datagram kinds: udp and unixgram, each to each.
 */
@Timeout(60)
class RelayDatagramIT {
    /** Each size sent, empty and the largest IPv4 UDP payload among them, then two clients' sessions kept apart. */
    private static final String CLIENT = String.join(
            "\n",
            "import socket, sys",
            "kind, to, me, me2 = sys.argv[1:5]",
            "def open_socket(path):",
            "    if kind == 'unixgram':",
            "        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path)",
            "        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)",
            "    else:",
            "        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0))",
            "    s.settimeout(10)",
            "    return s",
            "dest = to if kind == 'unixgram' else ('127.0.0.1', int(to))",
            "one, two = open_socket(me), open_socket(me2)",
            "out = []",
            "for n in (0, 1, 1000, 65507):",
            "    payload = bytes((i * 7 + n) % 256 for i in range(n))",
            "    one.sendto(payload, dest)",
            "    echo = one.recvfrom(70000)[0]",
            "    out.append('%d %s' % (n, 'same' if echo == payload else 'differs: %d bytes' % len(echo)))",
            "two.sendto(b'two', dest); one.sendto(b'one', dest)",
            "out.append(two.recvfrom(100)[0].decode() + ' ' + one.recvfrom(100)[0].decode())",
            "print('\\n'.join(out))");

    @TempDir
    Path directory;

    static Stream<Arguments> transportsAndPairs() {
        SocketKind[] kinds = {SocketKind.UDP, SocketKind.UNIXGRAM};
        return Arrays.stream(Transport.values()).flatMap(transport -> Arrays.stream(kinds)
                .flatMap(listen -> Arrays.stream(kinds).map(target -> Arguments.of(transport, listen, target))));
    }

    @ParameterizedTest(name = "{0} {1} to {2}")
    @MethodSource("transportsAndPairs")
    void relaysEachDatagramExactlyEmptyAndLargestIncludedOneSessionPerClient(
            Transport transport, SocketKind listen, SocketKind target) throws Exception {
        Transports.assumeCarries(transport, listen);
        Transports.assumeCarries(transport, target);
        Path targetDirectory = Files.createDirectories(directory.resolve("target"));
        ServerConfig echo =
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoints.of(target, targetDirectory));
        try (Server server = Transports.start(transport, echo);
                Relay relay = Relay.start(RelayConfig.of(Endpoints.of(listen, directory), server.endpoint())
                        .withIo(Io.valueOf(transport.name())))) {
            Endpoint at = relay.endpoint();
            String output = Python.run(
                    CLIENT,
                    listen.scheme(),
                    listen == SocketKind.UDP ? String.valueOf(at.port()) : at.path(),
                    directory.resolve("one.sock").toString(),
                    directory.resolve("two.sock").toString());
            assertEquals(
                    "0 same\n1 same\n1000 same\n65507 same\ntwo one",
                    output,
                    "each datagram back as it was sent, and each client's answers to that client");
            assertEquals(2, relay.stats().sessions(), "one session per client address");
        }
    }
}
