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
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The client over TLS against a real server: pinned, refused, and talking to a plain server. */
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

    @Test
    void tlsOnADatagramEndpointIsRefusedBeforeConnecting() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClientConfig.defaults()
                .withEndpoint(Endpoint.udp("127.0.0.1", 9))
                .withTls(TlsConfig.client())
                .validate());
        assertTrue(refused.getMessage().contains("DTLS"), refused.getMessage());
    }

    private static ClientConfig pinned(Server server, Endpoint endpoint) {
        String pin =
                server.tlsCertificate().map(Certificates::sha256Fingerprint).orElse("00".repeat(32));
        return ClientConfig.defaults()
                .withEndpoint(endpoint)
                .withTls(TlsConfig.client().withPin(pin));
    }
}
