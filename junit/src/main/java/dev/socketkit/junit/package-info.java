/**
 * A JUnit 5 extension for socket servers, mockwebserver's idea for any socket protocol: tests get real servers on real
 * local sockets, started before them and closed after them.
 *
 * <ul>
 *   <li>{@link dev.socketkit.junit.SocketServer} on a field or parameter starts an echo, welcome or reply server, per
 *       class (static field) or per test, and injects the {@link dev.socketkit.server.Server} or its real {@link
 *       dev.socketkit.transport.Endpoint};
 *   <li>{@link dev.socketkit.junit.RecordingServer} records every frame it receives ({@link
 *       dev.socketkit.junit.RecordedFrame}: the bytes, the connection and the peer) and answers from a script of
 *       {@link dev.socketkit.junit.Reaction}s (replies, delays, half-close, close, reset, silence), to test how a
 *       client behaves;
 *   <li>{@link dev.socketkit.junit.SocketServerExtension} runs a server from any {@link
 *       dev.socketkit.server.ServerConfig}, such as one with a handler of your own;
 *   <li>{@link dev.socketkit.junit.TestCertificates} holds the test run's CA, which issues the certificate of every
 *       {@code @SocketServer(tls = true)} server, and what a client needs to trust it (a socketkit {@code TlsConfig},
 *       a JDK {@code SSLContext}, PEM), and issues more certificates, for mutual TLS.
 * </ul>
 *
 * <pre>{@code
 * class PingClientTest {
 *     @SocketServer
 *     RecordingServer server;
 *
 *     @Test
 *     void retriesOnceAfterAReset() {
 *         server.enqueue(Reaction.reset(), Reaction.reply("pong"));
 *         assertEquals("pong", new PingClient(server.endpoint()).ping());
 *         assertEquals(1, server.takeFrame().connection());
 *         assertEquals(2, server.takeFrame().connection());
 *     }
 * }
 * }</pre>
 */
package dev.socketkit.junit;
