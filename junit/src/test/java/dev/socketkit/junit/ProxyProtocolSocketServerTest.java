package dev.socketkit.junit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.server.Guard;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.SocketKind;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @SocketServer(proxyProtocol = true)}: a server behind a proxy in one annotation. The client it records and
 * answers is the one the header names, a connection without a header is refused and never recorded, and the injected
 * {@link ClientConfig} sends a header only when the test asks for one.
 */
@Timeout(30)
class ProxyProtocolSocketServerTest {
    private static final int PATIENCE_MILLIS = (int) Clients.WAIT.toMillis();

    /** A proxy that says the client is 203.0.113.9:4242: that is the peer recorded, not the socket's own. */
    // tag::junit-proxy[]
    @Test
    void recordsTheClientTheHeaderNames(@SocketServer(proxyProtocol = true, framing = "line") RecordingServer server)
            throws Exception {
        server.enqueue(Reaction.reply("hi\n"));
        try (Socket proxy = new Socket("127.0.0.1", server.endpoint().port())) { // as HAProxy's send-proxy
            proxy.getOutputStream().write(("PROXY TCP4 203.0.113.9 127.0.0.1 4242 443\r\nhello\n").getBytes(US_ASCII));
            assertEquals("hi\n", new String(proxy.getInputStream().readNBytes(3), US_ASCII));
        }
        RecordedFrame frame = server.takeFrame();
        assertEquals("hello\n", frame.utf8()); // what came after the header
        assertEquals(new InetSocketAddress("203.0.113.9", 4242), frame.peer()); // the client the header names
    }
    // end::junit-proxy[]

    /**
     * A plain client's first bytes cannot begin a header: refused at once, counted, and neither numbered nor recorded;
     * the next connection, with a header, is the recording server's first.
     */
    @Test
    void aConnectionWithoutAHeaderIsRefusedAndNeverRecorded(@SocketServer(proxyProtocol = true) RecordingServer server)
            throws Exception {
        server.setDefaultReaction(Reaction.echo());
        try (Socket plain =
                new Socket(InetAddress.getLoopbackAddress(), server.endpoint().port())) {
            plain.setSoTimeout(PATIENCE_MILLIS);
            plain.getOutputStream().write("no header\n".getBytes(US_ASCII));
            InputStream in = plain.getInputStream();
            assertEquals(-1, in.read(), "closed unanswered");
        }
        try (Client client = Client.connect(proxiedClientOf(server))) {
            assertEquals("with one", client.request("with one"));
        }
        RecordedFrame frame = server.takeFrame();
        assertEquals("with one", frame.utf8());
        assertEquals(1, frame.connection(), "the refused connection takes no number");
        assertEquals(1, server.connectionCount());
        assertEquals(1, server.frameCount());
        assertEquals(1, server.server().stats().count(Guard.PROXY_HEADER));
    }

    /**
     * The injected client configuration names the server and sends no header: a test of what a server does with a
     * plain client gets one. Asked for a header, the same configuration is served.
     */
    @Test
    void theInjectedClientConfigSendsAHeaderOnlyWhenAsked(@SocketServer(proxyProtocol = true) ClientConfig config) {
        assertTrue(config.proxyHeader().isEmpty(), config::toString);
        ClientConfig patient = config.withConnectTimeout(Clients.WAIT)
                .withReadTimeout(Clients.WAIT)
                .withExchangeTimeout(Clients.WAIT);
        try (Client plain = Client.connect(patient)) {
            ClientException refused = assertThrows(ClientException.class, () -> plain.request("no header"));
            assertEquals(ClientException.Reason.CLOSED, refused.reason(), refused::getMessage);
        }
        for (ProxyVersion version : List.of(ProxyVersion.V1, ProxyVersion.V2)) {
            try (Client proxied = Client.connect(patient.withProxyHeader(version))) {
                assertEquals("via " + version, proxied.request("via " + version));
            }
        }
    }

    /** With TLS too: the header in clear, then the handshake, as HAProxy's send-proxy does it in front of TLS. */
    @Test
    void theHeaderComesBeforeTls(@SocketServer(proxyProtocol = true, tls = true) ClientConfig config) {
        try (Client client = Client.connect(config.withProxyHeader(ProxyVersion.V1))) {
            assertEquals("both", client.request("both"));
            assertEquals("TLSv1.3", client.tlsSession().orElseThrow().getProtocol());
        }
    }

    /** Over a Unix socket the client's header names no address (v2 LOCAL, as HAProxy sends): a valid header still. */
    @Test
    void aUnixClientsLocalHeaderIsAccepted(
            @SocketServer(proxyProtocol = true, socket = SocketKind.UNIX) RecordingServer server) {
        server.setDefaultReaction(Reaction.echo());
        try (Client client = Client.connect(proxiedClientOf(server))) {
            assertEquals("local", client.request("local"));
        }
        RecordedFrame frame = server.takeFrame();
        assertEquals("local", frame.utf8());
        assertEquals(0, server.server().stats().count(Guard.PROXY_HEADER), "a LOCAL header is a valid one");
    }

    /** The server behind {@code proxyProtocol = true} is a plain socketkit server otherwise: its config says so. */
    @Test
    void theServerTakesTheProxyProtocolWithItsDefaultHeaderTimeout(@SocketServer(proxyProtocol = true) Server server) {
        assertTrue(server.config().proxyProtocol());
        assertEquals(
                ServerConfig.defaults().proxyHeaderTimeout(), server.config().proxyHeaderTimeout());
    }

    /** A client of {@code server} that begins with a v2 header, as HAProxy's {@code send-proxy-v2} does; bounded. */
    private static ClientConfig proxiedClientOf(RecordingServer server) {
        return ClientConfig.defaults()
                .withEndpoint(server.endpoint())
                .withConnectTimeout(Clients.WAIT)
                .withReadTimeout(Clients.WAIT)
                .withProxyHeader(ProxyVersion.V2);
    }
}
