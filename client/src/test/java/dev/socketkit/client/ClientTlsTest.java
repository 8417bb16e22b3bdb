package dev.socketkit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerListener;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client over TLS against a real server: pinned, refused, talking to a plain server, and to servers that accept
 * the connection and never answer the handshake, or close in the middle of it.
 */
@Timeout(30)
class ClientTlsTest {
    @Test
    void aPinnedClientEchoesKnowsItsSessionAndHalfClosesWithCloseNotify() {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.parse("tls://127.0.0.1:0")));
                Client client = Client.connect(pinned(server, server.endpoint()))) {
            assertEquals("hello", client.request("hello"));
            assertTrue(List.of("TLSv1.3", "TLSv1.2")
                    .contains(client.tlsSession().orElseThrow().getProtocol()));
            // Echoes still in flight when the close_notify goes: both default engines keep the other direction open.
            for (int i = 0; i < 50; i++) {
                client.sendAsync(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            client.shutdownOutput();
            String echoed = client.receiveUntilClosed().stream()
                    .map(frame -> new String(frame, StandardCharsets.UTF_8))
                    .collect(Collectors.joining());
            assertEquals(50, echoed.lines().count(), echoed);
            assertTrue(echoed.endsWith("line 49\n"), echoed);
        }
    }

    @Test
    void aProxyHeaderGoesInClearBeforeTheHandshake() throws Exception {
        // HAProxy's send-proxy in front of a TLS server: the header is plain text, then the TLS stream.
        CompletableFuture<SocketAddress> opened = new CompletableFuture<>();
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.parse("tls://127.0.0.1:0"))
                .withProxyProtocol(true)
                .withListener(new ServerListener() {
                    @Override
                    public void connectionOpened(SocketAddress peer) {
                        opened.complete(peer);
                    }
                });
        try (Server server = Server.start(config);
                Client client = Client.connect(pinned(server, server.endpoint()).withProxyHeader(ProxyVersion.V1))) {
            assertEquals("through", client.request("through"));
            // The header names the client's own connection, so the server sees the client's real port.
            InetSocketAddress peer = (InetSocketAddress) opened.get(10, TimeUnit.SECONDS);
            assertEquals("127.0.0.1", peer.getAddress().getHostAddress());
            assertTrue(peer.getPort() > 0, peer.toString());
        }
    }

    @Test
    void aTlsEndpointTrustsOnlyTheSystemStoreSoASelfSignedServerIsRefusedInOneLine() {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.parse("tls://127.0.0.1:0")))) {
            ClientException refused = assertThrows(
                    ClientException.class,
                    () -> Client.connect(ClientConfig.defaults().withEndpoint(server.endpoint())));
            assertEquals(Reason.TLS, refused.reason());
            assertEquals(
                    server.endpoint() + ": TLS certificate not trusted: self-signed or issued by an unknown CA (trust"
                            + " its CA, or pin its SHA-256 fingerprint)",
                    refused.getMessage());
        }
    }

    @Test
    void aTlsClientOfAPlainServerSaysTheServerDoesNotSpeakTls() {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0)))) {
            Endpoint asTls = server.endpoint().withTls(true);
            ClientException refused = assertThrows(ClientException.class, () -> Client.connect(pinned(server, asTls)));
            assertEquals(Reason.TLS, refused.reason());
            assertTrue(refused.getMessage().startsWith(asTls.toString()), refused.getMessage());
        }
    }

    /**
     * A server that accepts and reads, and never answers the ClientHello: connecting gives up when the connect timeout,
     * which covers the handshake, runs out, as a timeout, in the words a TLS server uses for the same thing.
     */
    @Test
    void aServerThatNeverAnswersTheHelloTimesOutWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Reads until the client gives up and closes.
            CompletableFuture<Integer> heard = acceptOne(silent, in -> in.readAllBytes().length);
            Endpoint endpoint = Endpoint.parse("tls://127.0.0.1:" + silent.getLocalPort());
            ClientConfig config = anyCertificate(endpoint).withConnectTimeout(Duration.ofMillis(700));
            ClientException timedOut = assertThrows(ClientException.class, () -> Client.connect(config));
            assertEquals(Reason.TIMED_OUT, timedOut.reason(), timedOut::getMessage);
            assertEquals(endpoint + ": TLS handshake not complete within 700ms", timedOut.getMessage());
            assertTrue(heard.get(10, TimeUnit.SECONDS) > 0, "the server should have read a ClientHello");
        }
    }

    /**
     * A server that reads the ClientHello and closes, without an alert: the client says it closed, at once, rather
     * than waiting out its timeout and calling it one (the connection half-closes, so the FIN alone ends nothing).
     */
    @Test
    void aServerThatClosesMidHandshakeIsSaidToHaveClosed() throws Exception {
        try (ServerSocket closing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> heard = acceptOne(closing, InputStream::read); // the hello's first byte; close
            Endpoint endpoint = Endpoint.parse("tls://127.0.0.1:" + closing.getLocalPort());
            // The test's own timeout ends it sooner, should the client wait for this one.
            ClientConfig config = anyCertificate(endpoint).withConnectTimeout(Duration.ofMinutes(1));
            ClientException closed = assertThrows(ClientException.class, () -> Client.connect(config));
            assertEquals(Reason.TLS, closed.reason(), closed::getMessage);
            assertEquals(endpoint + " closed the connection during the TLS handshake", closed.getMessage());
            assertEquals(0x16, heard.get(10, TimeUnit.SECONDS), "a TLS handshake record");
        }
    }

    @Test
    void tlsOnADatagramEndpointIsRefusedBeforeConnecting() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClientConfig.defaults()
                .withEndpoint(Endpoint.udp("127.0.0.1", 9))
                .withTls(TlsConfig.client())
                .validate());
        assertTrue(refused.getMessage().contains("DTLS"), refused.getMessage());
    }

    /** What a peer that is not a TLS server does with its one connection, on another thread. */
    private interface Reading {
        int read(InputStream in) throws IOException;
    }

    /** Accepts one connection on {@code server}, reads from it as {@code reading} does, and closes it. */
    private static CompletableFuture<Integer> acceptOne(ServerSocket server, Reading reading) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket accepted = server.accept()) {
                return reading.read(accepted.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A TLS client of {@code endpoint} whose handshake never gets as far as checking the certificate. */
    private static ClientConfig anyCertificate(Endpoint endpoint) {
        return ClientConfig.defaults()
                .withEndpoint(endpoint)
                .withTls(TlsConfig.client().withPin("00".repeat(32)));
    }

    private static ClientConfig pinned(Server server, Endpoint endpoint) {
        String pin =
                server.tlsCertificate().map(Certificates::sha256Fingerprint).orElse("00".repeat(32));
        return ClientConfig.defaults()
                .withEndpoint(endpoint)
                .withTls(TlsConfig.client().withPin(pin));
    }
}
