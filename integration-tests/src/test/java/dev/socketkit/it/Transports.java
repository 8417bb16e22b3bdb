package dev.socketkit.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.TlsContexts;
import java.util.Arrays;
import java.util.Optional;
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

    /**
     * Every pair of transport and stream kind, each in plain text and over TLS, for {@link TransportKindAndSecurityTest}:
     * the stream bodies that make sense over TLS, run over it too.
     */
    static Stream<Arguments> withStreamKindsAndSecurity() {
        return withStreamKinds().flatMap(pair -> Arrays.stream(Security.values())
                .map(security -> Arguments.of(pair.get()[0], pair.get()[1], security)));
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

    /**
     * Skips a test that needs the server to keep answering after the client's end, where {@code config}'s server cannot.
     * In plain text, that is {@link #assumeHalfClosure(Transport, SocketKind)}. Over TLS the client's end is a {@code
     * close_notify} without a FIN, which every transport reads as data, so Unix sockets on NIO and io_uring keep their
     * answers; but Netty 4.2.18's OpenSSL engine answers a {@code close_notify} with its own and closes both ways on TLS
     * 1.3 as on TLS 1.2 ({@code ReferenceCountedOpenSslEngine.closeAll}), so there the answers after it are lost. The
     * JDK engine keeps TLS 1.3's half-close.
     */
    static void assumeHalfClosure(Transport transport, ServerConfig config) {
        Optional<TlsConfig> tls = config.tls();
        if (tls.isEmpty()) {
            assumeHalfClosure(transport, config.endpoint().kind());
            return;
        }
        assumeTrue(
                TlsContexts.resolve(tls.get().engine()) != TlsEngine.OPENSSL,
                "known limit: Netty's OpenSSL engine answers a TLS 1.3 close_notify with its own and closes (no"
                        + " half-close), so answers after it are lost; the JDK engine keeps them");
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
