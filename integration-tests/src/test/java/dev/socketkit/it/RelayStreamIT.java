package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.junit.TestCertificates;
import dev.socketkit.relay.Fault;
import dev.socketkit.relay.Relay;
import dev.socketkit.relay.RelayConfig;
import dev.socketkit.relay.RelayStats;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stream relay between a real client and socketkit's echo server, over every transport and every pair of stream
 * kinds it joins: tcp to tcp, tcp to unix and back, TLS terminated (tls to tcp) and originated (tcp to tls).
 */
@Timeout(120)
class RelayStreamIT {
    private static final int SIXTY_FOUR_MEBIBYTES = 64 << 20;

    @TempDir
    Path directory;

    /** One pair of stream kinds a relay joins: what its clients speak, and what its target does. */
    enum Pair {
        TCP_TO_TCP(SocketKind.TCP, Security.PLAIN, SocketKind.TCP, Security.PLAIN),
        TCP_TO_UNIX(SocketKind.TCP, Security.PLAIN, SocketKind.UNIX, Security.PLAIN),
        UNIX_TO_TCP(SocketKind.UNIX, Security.PLAIN, SocketKind.TCP, Security.PLAIN),
        TLS_TO_TCP(SocketKind.TCP, Security.TLS, SocketKind.TCP, Security.PLAIN),
        TCP_TO_TLS(SocketKind.TCP, Security.PLAIN, SocketKind.TCP, Security.TLS);

        final SocketKind listen;
        final Security listenSecurity;
        final SocketKind target;
        final Security targetSecurity;

        Pair(SocketKind listen, Security listenSecurity, SocketKind target, Security targetSecurity) {
            this.listen = listen;
            this.listenSecurity = listenSecurity;
            this.target = target;
            this.targetSecurity = targetSecurity;
        }
    }

    static Stream<Arguments> transportsAndPairs() {
        return Arrays.stream(Transport.values())
                .flatMap(transport -> Arrays.stream(Pair.values()).map(pair -> Arguments.of(transport, pair)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndPairs")
    void relaysSixtyFourMebibytesExactlyBothWays(Transport transport, Pair pair) throws Exception {
        assertRelaysSixtyFourMebibytesExactly(transport, pair);
    }

    /**
     * Faults that only delay or cut (latency with jitter both ways, a slicer downstream, a bandwidth limit upstream
     * well above what the box does) change when bytes arrive, never which: the same 64 MiB come back.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndPairs")
    void relaysSixtyFourMebibytesExactlyThroughFaultsThatOnlyDelay(Transport transport, Pair pair) throws Exception {
        assertRelaysSixtyFourMebibytesExactly(
                transport,
                pair,
                Fault.parse("latency:both:latency=1ms,jitter=1ms"),
                Fault.parse("slicer:downstream:average_size=8192,size_variation=4096"),
                Fault.parse("bandwidth:upstream:rate=1073741824"));
    }

    private void assertRelaysSixtyFourMebibytesExactly(Transport transport, Pair pair, Fault... faults)
            throws Exception {
        assumeCarries(transport, pair);
        byte[] sent = Text.random(SIXTY_FOUR_MEBIBYTES, 0x5eed_0064L + faults.length);
        try (Server echo = echo(transport, pair);
                Relay relay = relay(transport, pair, echo.endpoint(), faults);
                StreamConnection client = pair.listenSecurity.connect(relay.endpoint())) {
            byte[] received = client.echo(sent, false, Duration.ofSeconds(90));
            assertArrayEquals(sent, received, "64 MiB through the relay, " + faults.length + " faults, and back");
            assertEquals(sent.length, relay.stats().bytesUpstream(), "bytes relayed upstream");
            assertEquals(faults.length, relay.faults().list().size(), "the faults in place");
        }
    }

    /** The client's end (a FIN, or a close_notify) reaches the echo, whose answers still come back, then its end. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndPairs")
    void passesOnTheClientsEndAndStillRelaysTheAnswers(Transport transport, Pair pair) throws Exception {
        assumeCarries(transport, pair);
        Transports.assumeHalfClosure(transport, pair.listen);
        Transports.assumeHalfClosure(transport, pair.target);
        byte[] sent = Text.random(1 << 20, 0x5eed_0065L);
        try (Server echo = echo(transport, pair);
                Relay relay = relay(transport, pair, echo.endpoint());
                StreamConnection client = pair.listenSecurity.connect(relay.endpoint())) {
            byte[] received = client.echo(sent, true, Duration.ofSeconds(30));
            assertArrayEquals(sent, received, "everything sent before our end, echoed, then the end of the stream");
        }
    }

    /** A target that ends its output first (welcome on our end, here a reply server) is passed on the other way. */
    @TransportAndStreamKindTest
    void passesOnTheTargetsEnd(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        ServerConfig reply = ServerConfig.defaults()
                .withKind(ServerKind.REPLY)
                .withEndpoint(Endpoints.of(kind, directory.resolve("t")));
        directory.resolve("t").toFile().mkdirs();
        try (Server server = Transports.start(transport, reply);
                Relay relay = Relay.start(
                        RelayConfig.of(Endpoints.tcp(), server.endpoint()).withIo(Io.valueOf(transport.name())));
                StreamConnection client = Security.PLAIN.connect(relay.endpoint())) {
            client.write(Text.bytes("hello"));
            assertEquals(
                    "Thanks for connecting",
                    Text.string(client.readToEnd(1024)),
                    "the reply server's answer through the relay, then its close");
        }
    }

    /** A client's reset resets the relay's connection to the target: the target reads ECONNRESET, not an EOF. */
    @TransportAndStreamKindTest
    void passesOnAClientsReset(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Relay relay = relayToPort(transport, kind, target.getLocalPort())) {
            StreamConnection client = Security.PLAIN.connect(relay.endpoint());
            try (Socket accepted = target.accept()) {
                accepted.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
                client.write(Text.bytes("before the reset"));
                byte[] first = accepted.getInputStream().readNBytes(16);
                assertEquals("before the reset", Text.string(first));
                client.reset();
                if (kind == SocketKind.TCP) {
                    IOException reset = assertThrows(IOException.class, () -> readUntilEnd(accepted));
                    assertTrue(
                            String.valueOf(reset.getMessage()).contains("reset"),
                            "the target sees a reset, not an end: " + reset);
                    Poll.until(() -> relay.stats().resets() == 1, "the reset counted");
                } else {
                    // A Unix client has no reset to give; its abrupt close reaches the target as an end all the same.
                    readUntilEnd(accepted);
                }
            }
        }
    }

    /** The target's reset resets the client's connection; the relay goes on serving the next client. */
    @TransportAndStreamKindTest
    void passesOnATargetsResetAndKeepsServing(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Relay relay = relayToPort(transport, kind, target.getLocalPort())) {
            for (int round = 0; round < 2; round++) {
                try (StreamConnection client = Security.PLAIN.connect(relay.endpoint())) {
                    try (Socket accepted = target.accept()) {
                        client.write(Text.bytes("x"));
                        assertEquals('x', accepted.getInputStream().read(), "the byte reached the target");
                        accepted.setSoLinger(true, 0); // the close below is a reset
                    }
                    if (kind == SocketKind.TCP) {
                        IOException reset = assertThrows(IOException.class, () -> client.readToEnd(1024));
                        assertTrue(
                                String.valueOf(reset.getMessage()).contains("reset"),
                                "the client sees a reset, not an end: " + reset);
                    } else {
                        // A Unix client cannot be reset; the relay closes it, and it reads the end.
                        assertEquals(0, client.readUntilClosed(1024).length, "nothing after the target's reset");
                    }
                }
            }
            Poll.until(() -> relay.stats().resets() == 2, "both resets counted");
        }
    }

    /** A target that refuses closes the client; the relay counts it and keeps serving when the target is back. */
    @TransportAndStreamKindTest
    void closesTheClientWhenTheTargetRefusesAndKeepsServing(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (Relay relay = relayToPort(transport, kind, port)) {
            try (StreamConnection client = Security.PLAIN.connect(relay.endpoint())) {
                assertEquals(0, client.readUntilClosed(1024).length, "closed at once, nothing relayed");
            }
            assertEquals(1, relay.stats().targetFailures(), "the refused connect counted");
            try (Server echo = Transports.start(
                            transport,
                            ServerConfig.defaults()
                                    .withKind(ServerKind.ECHO)
                                    .withEndpoint(Endpoint.tcp("127.0.0.1", port)));
                    StreamConnection client = Security.PLAIN.connect(relay.endpoint())) {
                assertEquals(port, echo.endpoint().port(), "the echo on the port that refused");
                client.write(Text.bytes("back"));
                assertEquals("back", Text.string(client.readExactly(4)), "relayed once the target listens");
            }
        }
    }

    /**
     * A client that never reads while the target floods it: the relay stops reading the target once its own buffer for
     * that direction is at the high mark, so it holds a bounded amount however long the flood goes on, and another
     * connection through the same relay keeps working meanwhile.
     */
    @TransportAndStreamKindTest
    void aClientThatNeverReadsStopsTheRelayReadingTheTarget(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        try (ServerSocket flood = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Relay relay = relayToPort(transport, kind, flood.getLocalPort());
                Workers workers = new Workers(1)) {
            StreamConnection stalled = Security.PLAIN.connect(relay.endpoint(), StreamClient.PATIENCE, 4096);
            Socket target = flood.accept();
            byte[] chunk = new byte[16 * 1024];
            long floodBytes = 1L << 30; // bounded: the flood's end if nothing ever stopped it
            Future<Long> writing = workers.submit(() -> {
                long written = 0;
                try {
                    while (written < floodBytes) {
                        target.getOutputStream().write(chunk);
                        written += chunk.length;
                    }
                } catch (IOException closed) {
                    // The test closes the target once it has seen the relay stop reading.
                }
                return written;
            });
            // The relay relays the flood until what it holds for the stalled client passes its high mark, then stops
            // reading the target: what it read stays the same from one look to the next while the target still has
            // most of its flood to send. (What it holds then settles anywhere between its low and high marks, as the
            // kernel's send buffer toward the client grows and takes some of it.)
            Poll.until(() -> relay.stats().bytesDownstream() > 0, "the relay to read the flooding target");
            long[] last = {-1};
            Poll.until(
                    () -> {
                        long now = relay.stats().bytesDownstream();
                        boolean still = now == last[0];
                        last[0] = now;
                        return still && pause();
                    },
                    "the relay to stop reading the flooding target");
            RelayStats stats = relay.stats();
            assertFalse(
                    writing.isDone(), "the target is still writing: the relay stopped reading, the flood did not end");
            assertTrue(
                    stats.bufferedBytes() <= 256 * 1024,
                    "the relay holds " + stats.bufferedBytes() + " bytes for a client that never reads; at most its"
                            + " high mark and one read");
            assertTrue(stats.bytesDownstream() < floodBytes / 8, "read " + stats.bytesDownstream() + " of the flood");
            // Meanwhile another connection through the same relay works: its event loops are not stuck.
            try (StreamConnection client = Security.PLAIN.connect(relay.endpoint());
                    Socket second = flood.accept()) {
                client.write(Text.bytes("ping"));
                assertEquals("ping", Text.string(second.getInputStream().readNBytes(4)));
                second.getOutputStream().write(Text.bytes("pong"));
                assertEquals("pong", Text.string(client.readExactly(4)));
            }
            target.close();
            stalled.close();
            Workers.result(writing, Duration.ofSeconds(20));
        }
    }

    /** A tenth of a second between two looks at a counter that should have stopped moving. */
    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void readUntilEnd(Socket socket) throws IOException {
        byte[] buffer = new byte[4096];
        while (socket.getInputStream().read(buffer) >= 0) {
            // drain
        }
    }

    private static void assumeCarries(Transport transport, Pair pair) {
        Transports.assumeCarries(transport, pair.listen);
        Transports.assumeCarries(transport, pair.target);
    }

    private Server echo(Transport transport, Pair pair) {
        ServerConfig config = ServerConfig.defaults()
                .withKind(ServerKind.ECHO)
                .withEndpoint(Endpoints.of(pair.target, directory.resolve("target")));
        directory.resolve("target").toFile().mkdirs();
        return Transports.start(transport, pair.targetSecurity.applyTo(config));
    }

    /** A relay from a {@code kind} endpoint to a TCP port on loopback, where a test's own socket plays the target. */
    private Relay relayToPort(Transport transport, SocketKind kind, int port) {
        return Relay.start(RelayConfig.of(Endpoints.of(kind, directory), Endpoint.tcp("127.0.0.1", port))
                .withIo(Io.valueOf(transport.name())));
    }

    private Relay relay(Transport transport, Pair pair, Endpoint target, Fault... faults) {
        Endpoint listen = Endpoints.of(pair.listen, directory);
        RelayConfig config = RelayConfig.of(listen, target)
                .withIo(Io.valueOf(transport.name()))
                .withFaults(faults)
                .withSeed(64);
        if (pair.listenSecurity == Security.TLS) {
            config = config.withListenTls(TestCertificates.serverTls());
        }
        if (pair.targetSecurity == Security.TLS) {
            config = config.withTargetTls(TestCertificates.clientTls());
        }
        Relay relay = Relay.start(config);
        if (relay.transport() != transport) {
            relay.close();
            throw new AssertionError("asked for " + transport + ", the relay runs on " + relay.transport());
        }
        return relay;
    }
}
