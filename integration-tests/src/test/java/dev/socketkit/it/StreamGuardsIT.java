package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.codec.Framing;
import dev.socketkit.junit.TestCertificates;
import dev.socketkit.server.Guard;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream servers' guards against peers that stall, trickle, never read or come too many, on every transport:
 * each guard closes or refuses only the connection it is about, and counts it.
 */
@Timeout(60)
class StreamGuardsIT {
    /** Short deadlines, so that a test sees several pass; the defaults are minutes and tens of seconds. */
    private static final Duration SHORT = Duration.ofMillis(300);

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    /**
     * The TLS handshake timeout of the stalling tests: long beside the few milliseconds a handshake takes here, so that
     * the good clients' handshakes never run into it, and short enough for six runs.
     */
    private static final Duration HANDSHAKE = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    /**
     * One TLS handshake and echo before the tests: a cold JVM's first handshake (class loading and compiling on both
     * ends) can take longer than the deadlines of a few hundred milliseconds here, which a handshake's pauses count
     * against, as any others.
     */
    @BeforeAll
    static void warmUpTls() throws Exception {
        ServerConfig config = Security.TLS.applyTo(ServerConfig.defaults().withEndpoint(Endpoints.tcp()));
        try (Server server = Server.start(config);
                StreamConnection client = Security.TLS.connect(server.endpoint(), PATIENCE)) {
            client.write(Text.bytes("warm"));
            assertEquals("warm", Text.string(client.readExactly(4)));
        }
    }

    @TransportKindAndSecurityTest
    void anIdleConnectionIsClosedAndCounted(Transport transport, SocketKind kind, Security security) throws Exception {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, directory);
        ServerConfig config =
                security.applyTo(ServerConfig.defaults().withEndpoint(endpoint).withIdleTimeout(SHORT));
        try (Server server = Transports.start(transport, config);
                StreamConnection idle = security.connect(server.endpoint(), PATIENCE)) {
            // At once: the idle clock runs from the handshake on, and another's could take longer than it.
            idle.write(Text.bytes("ping"));
            assertEquals("ping", Text.string(idle.readExactly(4)));
            security.assertSpokenBy(idle);
            try (StreamConnection busy = security.connect(server.endpoint(), PATIENCE)) {
                security.assertSpokenBy(busy);
                long started = System.nanoTime();
                // The busy connection talks every 50 ms for three idle timeouts: activity keeps it open.
                while (System.nanoTime() - started < 3 * SHORT.toNanos()) {
                    busy.write(Text.bytes("x"));
                    assertEquals("x", Text.string(busy.readExactly(1)));
                    Thread.sleep(50);
                }
                assertEquals(0, idle.readUntilClosed(0).length, "the idle connection should be closed, nothing sent");
                ServerStats stats =
                        Poll.stats(server, s -> s.count(Guard.IDLE_TIMEOUT) == 1 && s.openConnections() == 1, PATIENCE);
                assertEquals(1, stats.count(Guard.IDLE_TIMEOUT), stats.summary());
                busy.write(Text.bytes("still here"));
                assertEquals("still here", Text.string(busy.readExactly(10)));
            }
        }
    }

    /** One byte of a line every 50 ms (over TLS, a record each): never idle, never a whole frame. */
    @TransportKindAndSecurityTest
    void aSlowlorisIsClosedWhenItsFrameTakesTooLong(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, directory);
        ServerConfig config = security.applyTo(ServerConfig.defaults()
                .withEndpoint(endpoint)
                .withFraming(Framing.line(1024))
                .withFrameTimeout(SHORT));
        try (Server server = Transports.start(transport, config);
                StreamConnection slowloris = security.connect(server.endpoint(), PATIENCE)) {
            security.assertSpokenBy(slowloris);
            int sent = 0;
            try {
                // Bounded: 200 bytes at 50 ms is 10 s, thirty frame timeouts.
                while (sent < 200 && server.stats().count(Guard.FRAME_TIMEOUT) == 0) {
                    slowloris.write(Text.bytes("a"));
                    sent++;
                    Thread.sleep(50);
                }
            } catch (IOException closedByTheServer) {
                // A write after the server's close may see a reset: the connection is closed, as it should be.
            }
            assertEquals(0, slowloris.readUntilClosed(0).length, "the server should close, echoing nothing");
            ServerStats stats =
                    Poll.stats(server, s -> s.count(Guard.FRAME_TIMEOUT) == 1 && s.openConnections() == 0, PATIENCE);
            assertEquals(1, stats.count(Guard.FRAME_TIMEOUT), stats.summary());
            assertTrue(sent < 200, "the slowloris sent all its 200 bytes over 10 s: " + stats.summary());
        }
    }

    @TransportAndStreamKindTest
    void framesThatKeepCompletingAreNotCutByTheFrameTimeout(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withFraming(Framing.line(1024))
                .withFrameTimeout(SHORT);
        try (Server server = Transports.start(transport, config);
                StreamClient client = StreamClient.connect(server.endpoint(), PATIENCE)) {
            // Every write completes the line before it and begins the next: a frame is always pending, yet each one
            // completes within 50 ms, for four frame timeouts.
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            long started = System.nanoTime();
            for (int i = 0; System.nanoTime() - started < 4 * SHORT.toNanos(); i++) {
                byte[] piece = Text.bytes("end of " + i + "\nstart of " + (i + 1) + " ");
                client.write(piece);
                sent.write(piece);
                Thread.sleep(50);
            }
            client.write(Text.bytes("last\n"));
            sent.write(Text.bytes("last\n"));
            client.shutdownOutput();
            byte[] expected = sent.toByteArray();
            byte[] echoed = client.readToEnd(expected.length);
            assertArrayEquals(expected, echoed, "every line should come back whole, the connection never cut");
            assertEquals(
                    0, server.stats().count(Guard.FRAME_TIMEOUT), server.stats().summary());
        }
    }

    /**
     * The peer sends without end and reads nothing: the echo backs up, the server stops reading (backpressure) and,
     * after the write timeout, closes. Idle timeout off, so only the write timeout can end it. Over TLS the peer still
     * shook hands, and the server's answers back up as records.
     */
    @TransportKindAndSecurityTest
    void aPeerThatNeverReadsIsClosedByTheWriteTimeout(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, directory);
        ServerConfig config = security.applyTo(ServerConfig.defaults()
                .withEndpoint(endpoint)
                .withIdleTimeout(ServerConfig.NO_TIMEOUT)
                .withWriteTimeout(SHORT)
                .withSocketOption(SocketSetting.of("SO_SNDBUF", "8192")));
        try (Server server = Transports.start(transport, config);
                Workers workers = new Workers(1);
                // A small receive buffer, so that it backs up soon.
                StreamConnection flooder = security.connect(server.endpoint(), PATIENCE, 4096)) {
            security.assertSpokenBy(flooder);
            Future<Long> flood = workers.submit(() -> {
                byte[] chunk = new byte[64 * 1024];
                long written = 0;
                try {
                    // Bounded: 256 MiB would take far longer than the write timeout to back up.
                    while (written < (256L << 20)) {
                        flooder.write(chunk);
                        written += chunk.length;
                    }
                } catch (SocketTimeoutException stuck) {
                    throw stuck; // the server's close did not reach the flooder
                } catch (IOException closedByTheServer) {
                    // The server's close ends the flood: a reset, or a broken pipe.
                }
                return written;
            });
            ServerStats stats =
                    Poll.stats(server, s -> s.count(Guard.WRITE_TIMEOUT) == 1 && s.openConnections() == 0, PATIENCE);
            assertEquals(1, stats.count(Guard.WRITE_TIMEOUT), stats.summary());
            long written = Workers.result(flood, PATIENCE.multipliedBy(2));
            assertTrue(written < (256L << 20), "the flood should end with the connection, not run out: " + written);
        }
    }

    /**
     * The limit refuses a connection as it is accepted, before any TLS handshake: the third is a plain connection that
     * sees the close at once, even on a TLS server.
     */
    @TransportKindAndSecurityTest
    void oneConnectionOverTheLimitIsClosedAtOnceAndAPlaceFreesWhenOneCloses(
            Transport transport, SocketKind kind, Security security) throws Exception {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, directory);
        ServerConfig config =
                security.applyTo(ServerConfig.defaults().withEndpoint(endpoint).withMaxConnections(2));
        try (Server server = Transports.start(transport, config);
                StreamConnection second = security.connect(server.endpoint(), PATIENCE)) {
            try (StreamConnection first = security.connect(server.endpoint(), PATIENCE)) {
                for (StreamConnection client : List.of(first, second)) {
                    security.assertSpokenBy(client);
                    client.write(Text.bytes("hi"));
                    assertEquals("hi", Text.string(client.readExactly(2)));
                }
                try (StreamClient third = StreamClient.connect(server.endpoint(), PATIENCE)) {
                    assertEquals(0, third.readUntilClosed(64).length, "the third should be closed, unanswered");
                }
                assertEquals(
                        1,
                        server.stats().count(Guard.CONNECTION_LIMIT),
                        server.stats().summary());
                assertEquals(2, server.stats().acceptedConnections(), "a refused connection is not accepted");
            }
            Poll.stats(server, s -> s.openConnections() == 1, PATIENCE);
            try (StreamConnection fourth = security.connect(server.endpoint(), PATIENCE)) {
                security.assertSpokenBy(fourth);
                fourth.write(Text.bytes("again"));
                assertEquals("again", Text.string(fourth.readExactly(5)), "a closed connection's place is free");
            }
            assertEquals(
                    1,
                    server.stats().count(Guard.CONNECTION_LIMIT),
                    server.stats().summary());
        }
    }

    /**
     * Three peers that hold a TLS connection without finishing its handshake: one sends nothing, one half a
     * ClientHello, one a whole ClientHello, reads the server's answer and goes silent. Each is closed when its time
     * runs out and counted once as a TLS failure; meanwhile a new client's handshake and echo go through, and a
     * connection whose handshake was done before them goes on after they are gone, though open longer than the timeout.
     */
    @TransportAndStreamKindTest
    void tlsHandshakesThatStallAreClosedWhenTheirTimeRunsOutWhileOthersAreServed(Transport transport, SocketKind kind)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        ServerConfig config = Security.TLS.applyTo(ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withTlsHandshakeTimeout(HANDSHAKE));
        try (Server server = Transports.start(transport, config);
                StreamConnection before = Security.TLS.connect(server.endpoint(), PATIENCE)) {
            Security.TLS.assertSpokenBy(before);
            byte[] hello = TlsStreamClient.clientHello(server.endpoint(), TestCertificates.sslContext());
            try (StreamClient silent = StreamClient.connect(server.endpoint(), PATIENCE);
                    StreamClient halfHello = StreamClient.connect(server.endpoint(), PATIENCE);
                    StreamClient stalled = StreamClient.connect(server.endpoint(), PATIENCE)) {
                halfHello.write(Arrays.copyOf(hello, hello.length / 2));
                stalled.write(hello);
                assertTrue(stalled.read() >= 0, "the server should answer a whole ClientHello");
                try (StreamConnection during = Security.TLS.connect(server.endpoint(), PATIENCE)) {
                    Security.TLS.assertSpokenBy(during);
                    during.write(Text.bytes("during"));
                    assertEquals("during", Text.string(during.readExactly(6)));
                }
                // The handshake and echo take milliseconds; the stallers have seconds: they are still waiting.
                assertEquals(
                        0,
                        server.stats().count(Guard.TLS_FAILURE),
                        server.stats().summary());
                for (StreamClient staller : List.of(silent, halfHello, stalled)) {
                    staller.readUntilClosed(64 * 1024); // the stalled one's only: the rest of the server's flight
                }
            }
            ServerStats stats =
                    Poll.stats(server, s -> s.count(Guard.TLS_FAILURE) == 3 && s.openConnections() == 1, PATIENCE);
            assertEquals(3, stats.count(Guard.TLS_FAILURE), stats.summary());
            assertEquals(1, stats.openConnections(), stats.summary());
            before.write(Text.bytes("after"));
            assertEquals("after", Text.string(before.readExactly(5)), "a connection past its handshake stays");
            assertEquals(3, server.stats().count(Guard.TLS_FAILURE), "each staller counted once");
        }
    }
}
