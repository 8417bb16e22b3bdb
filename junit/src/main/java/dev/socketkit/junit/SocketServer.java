package dev.socketkit.junit;

import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.SocketKind;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server for a test: started before it, closed after it, and injected into the annotated field or parameter. The
 * annotation alone registers the extension, as {@code @TempDir} does.
 *
 * <pre>{@code
 * class GreeterTest {
 *     @SocketServer(kind = ServerKind.WELCOME, framing = "line")
 *     static Endpoint welcome;                      // one server for the whole class
 *
 *     @SocketServer
 *     Server echo;                                  // a new echo server for each test
 *
 *     @Test
 *     void talksToTwoServers(@SocketServer(socket = SocketKind.UDP) RecordingServer udp) {
 *         udp.enqueue(Reaction.reply("ok"));
 *         // ... a client under test talks to welcome, echo.endpoint() and udp.endpoint()
 *     }
 * }
 * }</pre>
 *
 * <p>The field's or parameter's type says what is injected:
 *
 * <ul>
 *   <li>{@link dev.socketkit.server.Server}: the running server ({@code kind} says which);
 *   <li>{@link dev.socketkit.transport.Endpoint}: where it really listens (the real port, the Unix path);
 *   <li>{@link RecordingServer}: a server that records every frame and answers from the test's script ({@code kind} is
 *       ignored);
 *   <li>{@link dev.socketkit.client.ClientConfig}: what a socketkit client needs to talk to the server: its endpoint,
 *       its framing and, with {@code tls = true}, trust in the test run's CA; never a PROXY header (see {@link
 *       #proxyProtocol()}).
 * </ul>
 *
 * <p>With {@code tls = true} the server speaks TLS (1.3 and 1.2) with a certificate for {@code localhost}, {@code
 * 127.0.0.1} and {@code ::1} issued by a CA made once for the test run ({@link TestCertificates}); its endpoint is
 * {@code tls://127.0.0.1:PORT} over TCP. A client trusts it with {@link TestCertificates#clientTls()}, or {@link
 * TestCertificates#sslContext()} for the JDK's own clients, and needs no files and no {@code insecure()}:
 *
 * <pre>{@code
 * @Test
 * void talksTls(@SocketServer(tls = true, framing = "line") ClientConfig server) {
 *     try (Client client = Client.connect(server)) {   // trusts the run's CA, checks the host name
 *         assertEquals("hi\n", client.request("hi\n"));
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code proxyProtocol = true} the server stands where HAProxy's backends do: a test of a client that sends
 * PROXY headers (or of what a server does with the client one names) needs nothing more:
 *
 * <pre>{@code
 * @Test
 * void recordsTheClientBehindTheProxy(@SocketServer(proxyProtocol = true, framing = "line") RecordingServer server) {
 *     server.enqueue(Reaction.reply("hi\n"));
 *     // ... the proxy under test connects and sends "PROXY TCP4 203.0.113.9 127.0.0.1 4242 443\r\nhello\n"
 *     assertEquals(new InetSocketAddress("203.0.113.9", 4242), server.takeFrame().peer());
 * }
 * }</pre>
 *
 * <p>Lifecycle: a static field's server is started before all tests of the class and closed after all of them; an
 * instance field's, before each test and after it (also with {@code @TestInstance(PER_CLASS)}); a parameter's lives as
 * long as the method it is passed to needs it: after each test for test, {@code @BeforeEach} and {@code @AfterEach}
 * methods, after all tests for {@code @BeforeAll} methods. Each annotated field or parameter gets a server of its own,
 * so a test can have several.
 *
 * <p>Every server listens on a fresh local endpoint: {@code 127.0.0.1} with a free port for TCP and UDP, a new socket
 * file in {@code java.io.tmpdir} for Unix sockets (see {@link dev.socketkit.transport.Endpoint#anyLocal}), and stops at
 * once when closed, without waiting for pending answers. For anything else (a handler of your own, socket options,
 * another address), register a {@link SocketServerExtension} with any {@code ServerConfig}.
 *
 * <p>Servers are closed on every JUnit version from 5.10 on (checked on 5.10 and on the version socketkit builds with),
 * not only on 5.13 and later, which close every {@link AutoCloseable} of an extension store. A misused annotation (a
 * final field, an unsupported type, an unknown framing, framing on a datagram socket) fails the test with a {@link
 * org.junit.jupiter.api.extension.ExtensionConfigurationException} naming the field or parameter. So do {@code tls =
 * true} on a datagram socket (DTLS is not offered) and {@code proxyProtocol = true} on one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(SocketServerInjector.class)
public @interface SocketServer {
    /**
     * {@return which built-in server runs: echo (the default), welcome or reply} Ignored for a {@link
     * RecordingServer}.
     */
    ServerKind kind() default ServerKind.ECHO;

    /** {@return which kind of socket it listens on: TCP (the default), UDP, Unix stream or Unix datagram} */
    SocketKind socket() default SocketKind.TCP;

    /**
     * {@return how the server cuts its input into frames and frames its output, for stream sockets} {@code raw} (the
     * default), {@code line}, {@code delimiter:TEXT}, {@code length} (a 4-byte prefix), {@code length:N} (an N-byte
     * prefix) or {@code fixed:N}. Datagram sockets take only {@code raw}.
     */
    String framing() default "raw";

    /**
     * {@return which transport carries the sockets} {@code auto} (the default: the best available), {@code nio},
     * {@code epoll}, {@code kqueue} or {@code io_uring}.
     */
    String io() default "auto";

    /**
     * {@return whether the server speaks TLS, with a certificate from the test run's CA} Off by default. Stream sockets
     * only (TCP, Unix stream); see {@link TestCertificates} for what trusts it.
     */
    boolean tls() default false;

    /**
     * {@return whether every connection must begin with a PROXY protocol header (v1 or v2), as behind HAProxy} Off by
     * default. The server then takes the client from the header: a {@link RecordingServer} records the address the
     * header names as each frame's {@link RecordedFrame#peer() peer}, the server's listener and logs name it too. A
     * connection without a valid header within the server's default {@link
     * dev.socketkit.server.ServerConfig#proxyHeaderTimeout() PROXY header timeout} (5 s), or whose first bytes cannot
     * begin one, is closed and counted as {@link dev.socketkit.server.Guard#PROXY_HEADER}; a recording server neither
     * numbers nor records it. The injected {@link dev.socketkit.client.ClientConfig} sends no header: a test asks for
     * one, as the proxy in front would send it, with {@code config.withProxyHeader(ProxyVersion.V2)}. Stream sockets
     * only; with {@code tls = true} the header comes first, in clear, as HAProxy's {@code send-proxy} sends it.
     */
    boolean proxyProtocol() default false;
}
