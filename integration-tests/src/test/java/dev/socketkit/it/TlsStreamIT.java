package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.codec.Framing;
import dev.socketkit.junit.Reaction;
import dev.socketkit.junit.RecordingServer;
import dev.socketkit.junit.TestCertificates;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.Transport;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How TLS connections end, beyond what the shared stream bodies check: where TLS has no half-close, the server's
 * answer to our {@code close_notify} is its own and a close; and a recording server's half-close is a {@code
 * close_notify}, then the FIN.
 */
@Timeout(60)
class TlsStreamIT {
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    /**
     * Every pair of transport and stream kind, with each TLS version and engine that has no half-close: TLS 1.2 on the
     * server's default engine (the JDK's), and TLS 1.3 on the OpenSSL engine.
     */
    static Stream<Arguments> withoutHalfClose() {
        return Transports.withStreamKinds().flatMap(pair -> Stream.of("TLSv1.2", "TLSv1.3")
                .map(protocol -> Arguments.of(pair.get()[0], pair.get()[1], protocol)));
    }

    /**
     * TLS 1.2 has no half-close: the server's engine answers our {@code close_notify} with its own, so the server ends
     * the connection, and of what we sent just before it only the part echoed before the server read our end comes
     * back (often none); what was echoed earlier arrives whole. Netty's OpenSSL engine does the same on TLS 1.3.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("withoutHalfClose")
    void withoutAHalfCloseTheServerClosesOnOurCloseNotifyAndWhatWasEchoedBeforeArrives(
            Transport transport, SocketKind kind, String protocol) throws Exception {
        Transports.assumeCarries(transport, kind);
        boolean onOpenSsl = protocol.equals("TLSv1.3");
        assumeTrue(!onOpenSsl || OpenSsl.isAvailable(), "the OpenSSL engine does not load here");
        ServerConfig config = Security.TLS.applyTo(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoints.of(kind, directory)));
        if (onOpenSsl) {
            config = config.withTls(config.tls().orElseThrow().withEngine(TlsEngine.OPENSSL));
        }
        try (Server server = Transports.start(transport, config);
                TlsStreamClient client =
                        TlsStreamClient.connect(server.endpoint(), PATIENCE, TestCertificates.sslContext(), protocol)) {
            assertEquals(protocol, client.session().getProtocol());
            byte[] before = Text.random(16 * 1024, 0x5eed_0121L);
            client.write(before);
            assertArrayEquals(before, client.readExactly(before.length), "echoed before our end: all of it arrives");

            byte[] last = Text.random(64 * 1024, 0x5eed_0122L);
            client.write(last);
            client.shutdownOutput();
            // The stream ends with the server's close_notify (a bare FIN would fail the read as a truncation).
            byte[] after = client.readToEnd(last.length);
            assertArrayEquals(
                    Arrays.copyOf(last, after.length), after, "only a part of what we sent last, from its start");
            ServerStats stats = Poll.stats(server, s -> s.openConnections() == 0, PATIENCE);
            assertEquals(0, stats.openConnections(), "the server should close: " + stats.summary());
        }
    }

    /**
     * A recording server's half-close over TLS: a {@code close_notify} (which this client needs before it reads the
     * end), then the FIN; over TLS 1.3 the client can still send, and the server records it.
     */
    @Test
    void aRecordingServersHalfCloseIsACloseNotifyAndLeavesOurSideOpen() throws Exception {
        ServerConfig config = Security.TLS.applyTo(ServerConfig.defaults()
                .withEndpoint(Endpoint.tcp("127.0.0.1", 0))
                .withFraming(Framing.line(1024))
                .withShutdownTimeout(Duration.ZERO));
        try (RecordingServer server = RecordingServer.start(config);
                StreamConnection client = Security.TLS.connect(server.endpoint(), PATIENCE)) {
            server.enqueue(Reaction.reply("bye\n").thenHalfClose());
            client.write(Text.bytes("done?\n"));
            assertEquals("bye\n", Text.string(client.readToEnd(64)), "the answer, then TLS's own end of stream");
            client.write(Text.bytes("one more\n"));
            assertEquals("done?\n", server.takeFrame().utf8());
            assertEquals("one more\n", server.takeFrame().utf8(), "sent after the server's half-close");
        }
    }
}
