package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.Transport;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The echo server over TCP and Unix stream sockets, plain and TLS: a mebibyte back byte for byte, then the close after
 * our end (a FIN, or a close_notify over TLS).
 */
@Timeout(60)
class StreamEchoIT {
    private static final int MEBIBYTE = 1 << 20;

    @TempDir
    Path directory;

    @TransportKindAndSecurityTest
    void echoesAMebibyteExactlyAndClosesAfterOurEnd(Transport transport, SocketKind kind, Security security)
            throws Exception {
        echoesAMebibyteExactlyAndClosesAfterOurEnd(transport, security.applyTo(echo(kind)), security);
    }

    /**
     * The server on the OpenSSL engine too (BoringSSL, against the JDK client: two TLS stacks that share no code): the
     * echo holds whichever engine serves. It answers our close_notify with its own (no half-close), which ends this
     * body's stream as well.
     */
    @TransportAndStreamKindTest
    void echoesAMebibyteExactlyOverTlsOnTheOpenSslEngine(Transport transport, SocketKind kind) throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "the OpenSSL engine does not load here");
        echoesAMebibyteExactlyAndClosesAfterOurEnd(
                transport, onTheOpenSslEngine(Security.TLS.applyTo(echo(kind))), Security.TLS);
    }

    /** The client sends a mebibyte and its end at once, as {@code nc -N} does, and only then reads. */
    @TransportKindAndSecurityTest
    void echoesEverythingSentBeforeOurEnd(Transport transport, SocketKind kind, Security security) throws Exception {
        echoesEverythingSentBeforeOurEnd(transport, security.applyTo(echo(kind)), security);
    }

    private ServerConfig echo(SocketKind kind) {
        return ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoints.of(kind, directory));
    }

    private static ServerConfig onTheOpenSslEngine(ServerConfig config) {
        return config.withTls(config.tls().orElseThrow().withEngine(TlsEngine.OPENSSL));
    }

    private static void echoesEverythingSentBeforeOurEnd(Transport transport, ServerConfig config, Security security)
            throws Exception {
        Transports.assumeCarries(transport, config.endpoint().kind());
        Transports.assumeHalfClosure(transport, config);
        byte[] sent = Text.random(MEBIBYTE, 0x5eed_0002L);
        try (Server server = Transports.start(transport, config);
                StreamConnection client = security.connect(server.endpoint())) {
            byte[] received = client.echo(sent, true, Duration.ofSeconds(10));
            assertArrayEquals(sent, received, "the echo of everything sent before our end, then the end of the stream");
        }
    }

    private static void echoesAMebibyteExactlyAndClosesAfterOurEnd(
            Transport transport, ServerConfig config, Security security) throws Exception {
        Transports.assumeCarries(transport, config.endpoint().kind());
        byte[] sent = Text.random(MEBIBYTE, 0x5eed_0001L);
        try (Server server = Transports.start(transport, config);
                StreamConnection client = security.connect(server.endpoint());
                Workers workers = new Workers(1)) {
            Future<Void> writing = workers.submit(() -> {
                client.write(sent);
                return null;
            });
            byte[] received = client.readExactly(sent.length);
            Workers.result(writing, Duration.ofSeconds(10));
            assertArrayEquals(sent, received, "the echo differs from what was sent");

            client.shutdownOutput();
            assertEquals(-1, client.read(), "the server should close once it has echoed everything after our end");
        }
    }
}
