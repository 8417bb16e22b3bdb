package dev.socketkit.junit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.codec.Framing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.Certificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code @SocketServer(tls = true)} and {@link TestCertificates}, used for real: TLS servers whose certificate the
 * run's CA issued, reached by socketkit's client through the injected {@link ClientConfig} and by the JDK's own {@link
 * SSLSocket}, each checking host names as in production; and a server without {@code tls} that stays plain.
 */
@Timeout(30)
class TlsSocketServerTest {
    private static final int PATIENCE_MILLIS = (int) Clients.WAIT.toMillis();

    // tag::junit-tls[]
    @Test
    void talksTlsWithNoFiles(@SocketServer(tls = true, framing = "line") ClientConfig server) {
        try (Client client = Client.connect(server)) { // trusts the test run's CA, checks the host name
            assertEquals("hello\n", client.request("hello\n"));
            assertEquals("TLSv1.3", client.tlsSession().orElseThrow().getProtocol());
        }
    }

    @Test
    void aJdkClientTrustsTheServerToo(@SocketServer(tls = true) Endpoint server) throws Exception {
        SSLSocketFactory tls = TestCertificates.sslContext().getSocketFactory(); // or HttpClient's sslContext(...)
        try (Socket socket = tls.createSocket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("hi".getBytes(UTF_8));
            assertEquals("hi", new String(socket.getInputStream().readNBytes(2), UTF_8));
        }
    }
    // end::junit-tls[]

    @Test
    void theInjectedClientConfigNamesTheTlsEndpointAndTrustsOnlyTheRunsCa(
            @SocketServer(tls = true) ClientConfig config) {
        assertTrue(config.endpoint().isTls(), config.endpoint().toString());
        TlsConfig tls = config.effectiveTls().orElseThrow();
        assertFalse(tls.systemTrust(), tls::toString);
        assertEquals(List.of(TestCertificates.caCertificate()), tls.trustedCertificates());
    }

    @Test
    void aJdkSslSocketTrustsTheServerThroughTestCertificatesSslContext(@SocketServer(tls = true) Server server)
            throws Exception {
        X509Certificate presented = server.tlsCertificate().orElseThrow();
        presented.verify(TestCertificates.caCertificate().getPublicKey()); // signed by the run's CA
        try (SSLSocket socket =
                (SSLSocket) TestCertificates.sslContext().getSocketFactory().createSocket()) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the host-name check an HTTP client makes
            socket.setSSLParameters(parameters);
            socket.connect(new InetSocketAddress("127.0.0.1", server.endpoint().port()), PATIENCE_MILLIS);
            socket.setSoTimeout(PATIENCE_MILLIS);
            assertArrayEquals("jdk".getBytes(UTF_8), exchange(socket, "jdk"));
            assertEquals(presented, socket.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void aUnixStreamServerSpeaksTlsToo(@SocketServer(socket = SocketKind.UNIX, tls = true) ClientConfig config) {
        assertEquals(SocketKind.UNIX, config.endpoint().kind());
        try (Client client = Client.connect(config)) {
            assertEquals("over a file", client.request("over a file"));
            assertTrue(client.tlsSession().isPresent());
        }
    }

    @Test
    void withoutTlsTheServerAndItsClientConfigStayPlain(
            @SocketServer Server server, @SocketServer(framing = "line") ClientConfig config) throws Exception {
        assertFalse(server.endpoint().isTls(), server.endpoint().toString());
        assertTrue(server.tlsCertificate().isEmpty());
        assertTrue(config.effectiveTls().isEmpty(), config::toString);
        assertEquals(Framing.line(Framing.DEFAULT_MAX_FRAME_LENGTH), config.framing(), "the server's own framing");
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", server.endpoint().port()), PATIENCE_MILLIS);
            plain.setSoTimeout(PATIENCE_MILLIS);
            assertArrayEquals("plain".getBytes(UTF_8), exchange(plain, "plain"), "plain text, no handshake");
        }
    }

    @Test
    void theRunHasOneCaForEveryServerAndItsPemIsTheSameCertificate(
            @SocketServer(tls = true) Server first, @SocketServer(tls = true, socket = SocketKind.UNIX) Server second) {
        X509Certificate ca = TestCertificates.caCertificate();
        for (Server server : List.of(first, second)) {
            assertEquals(
                    ca.getSubjectX500Principal(),
                    server.tlsCertificate().orElseThrow().getIssuerX500Principal());
        }
        assertEquals(List.of(ca), Certificates.readCertificates(TestCertificates.caCertificatePem(), "the CA's PEM"));
        assertEquals(ca, TestCertificates.caCertificate(), "made once");
    }

    @Test
    void anIssuedClientCertificateGetsThroughMutualTlsAndNoCertificateDoesNot() {
        try (Server server =
                tcpServer(TestCertificates.serverTls().withClientAuth(List.of(TestCertificates.caCertificate())))) {
            ClientConfig toServer = clientOf(server);
            TestCertificates.Issued alice = TestCertificates.issueClient("alice");
            assertEquals(
                    "CN=alice", alice.certificate().getSubjectX500Principal().getName());
            try (Client client = Client.connect(toServer.withTls(alice.tlsConfig()))) {
                assertEquals("it's me", client.request("it's me"));
            }
            assertThrows(ClientException.class, () -> {
                // The handshake may finish before the server checks for the certificate; the first read then fails.
                try (Client anonymous = Client.connect(toServer.withTls(TestCertificates.clientTls()))) {
                    anonymous.request("who?");
                }
            });
        }
    }

    @Test
    void anIssuedServerCertificateIsForTheNamesItWasIssuedFor() {
        TestCertificates.Issued other = TestCertificates.issueServer("service.test");
        assertNotEquals(TestCertificates.caCertificate(), other.certificate());
        try (Server server = tcpServer(other.tlsConfig())) {
            ClientConfig toServer = clientOf(server);
            ClientException wrongName = assertThrows(
                    ClientException.class, () -> Client.connect(toServer.withTls(TestCertificates.clientTls())));
            assertEquals(ClientException.Reason.TLS, wrongName.reason(), wrongName::getMessage);
            try (Client client =
                    Client.connect(toServer.withTls(TestCertificates.clientTls().withServerName("service.test")))) {
                assertEquals("by name", client.request("by name"));
            }
        }
    }

    @Test
    void aHalfCloseReactionOverTls13EndsTheAnswersAndLeavesThePeerFreeToSend(
            @SocketServer(tls = true, framing = "line") RecordingServer server) throws Exception {
        server.enqueue(Reaction.reply("last words\n").thenHalfClose());
        try (SSLSocket socket =
                (SSLSocket) TestCertificates.sslContext().getSocketFactory().createSocket()) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"}); // TLS 1.2 has no half-close
            socket.connect(new InetSocketAddress("127.0.0.1", server.endpoint().port()), PATIENCE_MILLIS);
            socket.setSoTimeout(PATIENCE_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("bye\n".getBytes(UTF_8));
            out.flush();
            // The JDK's socket takes a bare FIN for the end too; TlsStreamIT checks that close_notify comes first.
            assertEquals("last words\n", new String(socket.getInputStream().readAllBytes(), UTF_8));
            out.write("after the end\n".getBytes(UTF_8));
            out.flush();
            assertEquals("bye\n", server.takeFrame().utf8());
            assertEquals("after the end\n", server.takeFrame().utf8(), "our side stays open for sending");
        }
    }

    private static Server tcpServer(TlsConfig tls) {
        return Server.start(ServerConfig.defaults()
                .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
                .withTls(tls)
                .withShutdownTimeout(Duration.ZERO));
    }

    /** A client configuration for {@code server} with bounded waits and no TLS yet: each test adds its own. */
    private static ClientConfig clientOf(Server server) {
        return ClientConfig.defaults()
                .withEndpoint(server.endpoint())
                .withConnectTimeout(Clients.WAIT)
                .withReadTimeout(Clients.WAIT);
    }

    private static byte[] exchange(Socket socket, String text) throws Exception {
        byte[] sent = text.getBytes(UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(sent);
        out.flush();
        InputStream in = socket.getInputStream();
        return in.readNBytes(sent.length);
    }
}
