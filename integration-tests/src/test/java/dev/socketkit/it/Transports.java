package dev.socketkit.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Starts servers on one given transport, and skips with a reason what that transport cannot run here. */
final class Transports {
    private Transports() {}

    /**
     * Every pair of transport and socket kind, impossible ones too, for {@link TransportAndKindTest}: whether a pair
     * runs is the test's {@link #assumeCarries} to say, so that a pair that cannot run shows as skipped.
     */
    static Stream<Arguments> withEveryKind() {
        return Arrays.stream(Transport.values())
                .flatMap(transport -> Arrays.stream(SocketKind.values()).map(kind -> Arguments.of(transport, kind)));
    }

    /** Every pair of transport and stream kind (tcp, unix), for tests of what only stream sockets have. */
    static Stream<Arguments> withStreamKinds() {
        return withEveryKind().filter(pair -> ((SocketKind) pair.get()[1]).isStream());
    }

    /** Every pair of transport and datagram kind (udp, unixgram), for tests of what only datagram sockets have. */
    static Stream<Arguments> withDatagramKinds() {
        return withEveryKind().filter(pair -> ((SocketKind) pair.get()[1]).isDatagram());
    }

    /** Every pair of transport and Unix kind (unix, unixgram), for tests of socket files. */
    static Stream<Arguments> withUnixKinds() {
        return withEveryKind().filter(pair -> ((SocketKind) pair.get()[1]).isUnix());
    }

    /** Skips the test unless {@code transport} can run on this machine. */
    static void assumeAvailable(Transport transport) {
        assumeTrue(transport.isAvailable(), () -> transport + " is not available here");
    }

    /** Skips the test unless {@code transport} runs here and has sockets of {@code kind}. */
    static void assumeCarries(Transport transport, SocketKind kind) {
        assumeAvailable(transport);
        assumeTrue(transport.supports(kind), () -> transport + " has no " + kind.scheme() + " sockets");
    }

    /**
     * Skips a test that needs a Unix stream connection to stay open for answers after the client's FIN, on the
     * transports that cannot do that: in Netty 4.2.18 the NIO and io_uring Unix stream channels ignore {@code
     * ALLOW_HALF_CLOSURE} and close as soon as the peer's FIN is read. This is a known server defect, reported; remove
     * the skip once the server works around it.
     */
    static void assumeHalfClosure(Transport transport, SocketKind kind) {
        assumeTrue(
                kind != SocketKind.UNIX || (transport != Transport.NIO && transport != Transport.IO_URING),
                () -> "known defect: " + transport + " Unix stream channels close on the client's FIN (Netty 4.2.18"
                        + " ignores ALLOW_HALF_CLOSURE there), so answers after it are lost");
    }

    /** Starts {@code config} on {@code transport}, or skips the test if the transport cannot carry its endpoint. */
    static Server start(Transport transport, ServerConfig config) {
        assumeCarries(transport, config.endpoint().kind());
        Server server = Server.start(config.withIo(Io.valueOf(transport.name())));
        if (server.transport() != transport) {
            server.close();
            throw new AssertionError("asked for " + transport + ", the server runs on " + server.transport());
        }
        return server;
    }
}
