package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.CertificateAuthority;
import dev.socketkit.transport.internal.Certificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * A TLS server seen from the JDK's own {@link SSLSocket}, which shares no code with it: echo through TLS, a
 * close_notify as the end of input, the certificate it presents, and a peer that does not speak TLS.
 */
class TlsServerTest {
    private static final int PATIENCE_MILLIS = 10_000;

    @Test
    void aTlsEndpointServesASelfSignedCertificateForTheHostItBinds() throws Exception {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.parse("tls://127.0.0.1:0")))) {
            assertTrue(server.endpoint().isTls(), server.endpoint().toString());
            X509Certificate certificate = server.tlsCertificate().orElseThrow();
            try (SSLSocket socket = connect(server, certificate)) {
                assertEquals("hello", exchange(socket, "hello"));
                assertEquals(certificate, socket.getSession().getPeerCertificates()[0]);
                assertTrue(List.of("TLSv1.3", "TLSv1.2")
                        .contains(socket.getSession().getProtocol()));
            }
        }
    }

    @Test
    void aCloseNotifyEndsTheInputAsAFinDoes() throws Exception {
        // The reply server answers at the end of input; over TLS 1.3 the end is the client's close_notify alone.
        CertificateAuthority ca = CertificateAuthority.create("socketkit test CA");
        Certificates.Issued issued = ca.issueServer(List.of("localhost", "127.0.0.1"));
        TlsConfig tls = TlsConfig.fromPem(Certificates.toPem(issued.chain()), Certificates.toPem(issued.key()));
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.tcp("127.0.0.1", 0))
                .withKind(ServerKind.REPLY)
                .withFraming(Framing.line(8192))
                .withTls(tls);
        try (Server server = Server.start(config);
                SSLSocket socket = connect(server, ca.certificate())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            OutputStream out = socket.getOutputStream();
            out.write("bye\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput(); // sends close_notify; the TCP connection stays open both ways
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("Thanks for connecting"), answer);
        }
    }

    @Test
    void aPeerThatDoesNotSpeakTlsIsClosedAndCounted() throws Exception {
        try (Server server = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.parse("tls://127.0.0.1:0")));
                Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", server.endpoint().port()), PATIENCE_MILLIS);
            plain.setSoTimeout(PATIENCE_MILLIS);
            plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, plain.getInputStream().read(), "the server must close a plain-text peer");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);
            while (server.stats().count(Guard.TLS_FAILURE) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, server.stats().count(Guard.TLS_FAILURE));
            try (SSLSocket socket = connect(server, server.tlsCertificate().orElseThrow())) {
                assertEquals("still here", exchange(socket, "still here"));
            }
        }
    }

    @Test
    void tlsOnADatagramEndpointOrWithoutAnIdentityIsRefusedBeforeBinding() {
        IllegalArgumentException udp = assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaults()
                .withEndpoint(Endpoint.udp("127.0.0.1", 0))
                .withTls(TlsConfig.selfSigned())
                .validate());
        assertEquals(
                "TLS needs a stream endpoint (tcp://, tls://, unix://), not udp; DTLS for datagram sockets is not"
                        + " offered",
                udp.getMessage());
        IllegalArgumentException noIdentity = assertThrows(
                IllegalArgumentException.class,
                () -> ServerConfig.defaults().withTls(TlsConfig.client()).validate());
        assertTrue(
                noIdentity.getMessage().startsWith("a TLS server needs a certificate and key"),
                noIdentity.getMessage());
    }

    private static SSLSocket connect(Server server, X509Certificate trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("server", trusted);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.endpoint().port()), PATIENCE_MILLIS);
        socket.setSoTimeout(PATIENCE_MILLIS);
        return socket;
    }

    private static String exchange(SSLSocket socket, String text) throws Exception {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(sent);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] received = in.readNBytes(sent.length);
        assertArrayEquals(sent, received);
        return new String(received, StandardCharsets.UTF_8);
    }
}
