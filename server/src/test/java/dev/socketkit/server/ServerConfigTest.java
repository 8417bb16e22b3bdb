package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.OpenFiles;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ServerConfig: defaults, copies, and the values it refuses before anything is bound. */
class ServerConfigTest {
    private final ServerConfig defaults = ServerConfig.defaults();

    @Test
    void defaultsAreTheTutorialsEchoServer() {
        assertEquals(ServerKind.ECHO, defaults.kind());
        assertEquals("tcp://127.0.0.1:8090", defaults.endpoint().toString());
        assertEquals(Framing.raw(), defaults.framing());
        assertEquals("Welcome to the server", defaults.greeting());
        assertEquals("Data received:", defaults.dataPrefix());
        assertEquals("Thanks for connecting", defaults.replyText());
    }

    @Test
    void theDrainClosesAtOnceAndGivesOpenConnectionsOneAndAHalfSecondsUnlessSet() {
        assertEquals(Duration.ZERO, defaults.drainDelay());
        assertEquals(Duration.ofMillis(ServerConfig.DEFAULT_SHUTDOWN_MILLIS), defaults.shutdownTimeout());
        assertEquals(Duration.ofMillis(1500), defaults.shutdownTimeout());
        assertEquals(
                Duration.ofSeconds(5),
                defaults.withDrainDelay(Duration.ofSeconds(5)).drainDelay());
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> defaults.withDrainDelay(Duration.ofSeconds(-1)));
        assertEquals("drain delay PT-1S is negative", negative.getMessage());
    }

    @Test
    void severalListenersOnlyWhereAPortCanBeShared() {
        assertEquals(1, defaults.listeners());
        assertEquals(4, defaults.withListeners(4).listeners());
        assertEquals(
                "listener count 0 is out of range 1-1024",
                assertThrows(IllegalArgumentException.class, () -> defaults.withListeners(0))
                        .getMessage());
        ServerConfig unix = defaults.withEndpoint(Endpoint.unix("/tmp/s.sock")).withListeners(2);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, unix::validate);
        assertTrue(refused.getMessage().contains("SO_REUSEPORT"), refused.getMessage());
        ServerConfig one = unix.withListeners(1);
        assertSame(one, one.validate());
    }

    @Test
    void copiesChangeOneFieldAndLeaveTheOriginal() {
        ServerConfig changed = defaults.withKind(ServerKind.REPLY).withBacklog(3);
        assertNotSame(defaults, changed);
        assertEquals(ServerKind.REPLY, changed.kind());
        assertEquals(3, changed.backlog());
        assertEquals(ServerKind.ECHO, defaults.kind());
    }

    @Test
    void aHandlerReplacesTheKindsUntilAKindIsChosenAgain() {
        HandlerFactory factory = ChannelInboundHandlerAdapter::new;
        BlockingHandler blocking = request -> {};
        assertTrue(defaults.handler().isEmpty(), "the built-in kind runs by default");
        assertEquals(
                Optional.of(factory), defaults.withHandler(factory).handler().map(h -> (Object) h));
        assertEquals(
                Optional.of(blocking),
                defaults.withHandler(factory).withHandler(blocking).handler().map(h -> (Object) h));
        assertTrue(defaults.withHandler(blocking)
                .withKind(ServerKind.REPLY)
                .handler()
                .isEmpty());
        assertTrue(defaults.withHandler(factory).toString().startsWith("handler server on "));
        assertTrue(defaults.withHandler(blocking).toString().startsWith("blocking-handler server on "));
    }

    @Test
    void listenerIsKeptAndNoneByDefault() {
        ServerListener listener = new ServerListener() {};
        assertSame(ServerListener.NONE, defaults.listener());
        assertSame(listener, defaults.withListener(listener).listener());
        assertThrows(NullPointerException.class, () -> defaults.withListener(null));
        assertThrows(NullPointerException.class, () -> defaults.withHandler((HandlerFactory) null));
    }

    @Test
    void laterSocketOptionOfTheSameNameWins() {
        ServerConfig config = defaults.withSocketOption(SocketSetting.parse("SO_RCVBUF=1k"))
                .withSocketOption(SocketSetting.parse("so_rcvbuf=2k"));
        assertEquals(1, config.socketOptions().size());
        assertEquals(2048, config.socketOptions().get(0).value());
    }

    @Test
    void refusesNegativeBacklogZeroThreadsAndOversizedBuffers() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> defaults.withBacklog(-1))
                .getMessage()
                .contains("-1"));
        assertThrows(IllegalArgumentException.class, () -> defaults.withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBufferSize(-5));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBufferSize(ServerConfig.MAX_BUFFER_SIZE + 1));
    }

    @Test
    void framingOnADatagramSocketIsRefused() {
        ServerConfig config =
                defaults.withEndpoint(Endpoint.parse("udp://127.0.0.1:0")).withFraming(Framing.line(10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(e.getMessage().contains("every datagram is one frame"), e.getMessage());
    }

    @Test
    void socketOptionForAnotherKindOfSocketIsRefused() {
        ServerConfig config = defaults.withEndpoint(Endpoint.parse("unix:///tmp/x.sock"))
                .withSocketOption(SocketSetting.parse("TCP_NODELAY=true"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
        assertEquals("TCP_NODELAY does not apply to unix sockets", e.getMessage());
    }

    @Test
    void guardsAreOnByDefaultWhereTheyCannotHurt() {
        assertEquals(Duration.ofMinutes(5), defaults.idleTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.frameTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.writeTimeout());
        long limit = OpenFiles.limit();
        long open = OpenFiles.open();
        assertTrue(limit > open + ServerConfig.RESERVED_DESCRIPTORS, "this test needs a Unix open-file limit");
        long expected = limit - open - ServerConfig.RESERVED_DESCRIPTORS;
        // Within a few descriptors: the JVM may open or close one (a jar, a pipe) between the two readings.
        assertTrue(
                Math.abs(expected - defaults.maxConnections()) <= 8,
                "expected about " + expected + ", got " + defaults.maxConnections());

        ServerConfig loopback = defaults.withEndpoint(Endpoint.udp("127.0.0.1", 0));
        assertEquals(ServerConfig.UNLIMITED_DATAGRAM_RATE, loopback.datagramRate());
        assertFalse(loopback.amplificationLimit());
        ServerConfig unixgram = defaults.withEndpoint(Endpoint.unixgram("/tmp/x.sock"));
        assertEquals(ServerConfig.UNLIMITED_DATAGRAM_RATE, unixgram.datagramRate());
        assertFalse(unixgram.amplificationLimit());
        ServerConfig wildcard = defaults.withEndpoint(Endpoint.udp("0.0.0.0", 0));
        assertEquals(ServerConfig.DEFAULT_DATAGRAM_RATE, wildcard.datagramRate());
        assertTrue(wildcard.amplificationLimit());

        ServerConfig chosen = loopback.withDatagramRate(5).withAmplificationLimit(true);
        assertEquals(5, chosen.datagramRate());
        assertTrue(chosen.amplificationLimit());
        assertEquals(5, chosen.withEndpoint(Endpoint.udp("0.0.0.0", 0)).datagramRate(), "a chosen rate stays");
    }

    @Test
    void guardValuesOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> defaults.withIdleTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withFrameTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withWriteTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> defaults.withMaxConnections(0));
        assertThrows(
                IllegalArgumentException.class, () -> defaults.withMaxConnections(ServerConfig.MAX_CONNECTIONS + 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withDatagramRate(-1));
        assertEquals(
                Duration.ZERO, defaults.withIdleTimeout(ServerConfig.NO_TIMEOUT).idleTimeout());
    }

    @Test
    void aServerReachableFromOtherHostsCanNameItsGuards() {
        ServerConfig tcp = defaults.withEndpoint(Endpoint.tcp("0.0.0.0", 0)).withMaxConnections(100);
        assertFalse(tcp.isLocalOnly());
        assertEquals("idle timeout 5m, write timeout 30s, at most 100 connections", tcp.describeGuards());
        assertEquals(
                "idle timeout none, frame timeout 30s, write timeout 30s, at most 100 connections",
                tcp.withFraming(Framing.line(64))
                        .withIdleTimeout(ServerConfig.NO_TIMEOUT)
                        .describeGuards());
        ServerConfig udp = defaults.withEndpoint(Endpoint.udp("0.0.0.0", 0));
        assertEquals(
                "loop guard, 1000 datagrams a second per source, answers at most 3 times what each source sent",
                udp.describeGuards());
        assertTrue(defaults.isLocalOnly(), "127.0.0.1 is reachable from this host only");
    }

    @Test
    void theProxyProtocolIsOffByDefaultAndItsHeaderDueWithinFiveSeconds() {
        assertFalse(defaults.proxyProtocol());
        assertEquals(Duration.ofSeconds(5), defaults.proxyHeaderTimeout());
        ServerConfig proxied = defaults.withProxyProtocol(true).withProxyHeaderTimeout(Duration.ofMillis(500));
        assertTrue(proxied.proxyProtocol());
        assertEquals(Duration.ofMillis(500), proxied.proxyHeaderTimeout());
        assertTrue(proxied.describeGuards().startsWith("PROXY header within 500ms, "), proxied.describeGuards());
        assertThrows(IllegalArgumentException.class, () -> defaults.withProxyHeaderTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void aTlsHandshakeIsDueWithinTenSecondsAndTheGuardIsNamedWithTls() {
        assertEquals(Duration.ofSeconds(10), defaults.tlsHandshakeTimeout());
        ServerConfig tls = defaults.withEndpoint(Endpoint.tcp("0.0.0.0", 0))
                .withMaxConnections(100)
                .withTls(TlsConfig.selfSigned())
                .withTlsHandshakeTimeout(Duration.ofMillis(1500));
        assertEquals(Duration.ofMillis(1500), tls.tlsHandshakeTimeout());
        assertEquals(
                "TLS handshake within 1500ms, idle timeout 5m, write timeout 30s, at most 100 connections",
                tls.describeGuards());
        assertEquals(
                "TLS handshake within none, idle timeout 5m, write timeout 30s, at most 100 connections",
                tls.withTlsHandshakeTimeout(ServerConfig.NO_TIMEOUT).describeGuards());
        IllegalArgumentException negative = assertThrows(
                IllegalArgumentException.class, () -> defaults.withTlsHandshakeTimeout(Duration.ofSeconds(-1)));
        assertEquals("TLS handshake timeout PT-1S is negative", negative.getMessage());
    }

    @Test
    void theProxyProtocolOnADatagramSocketIsRefused() {
        ServerConfig udp =
                defaults.withEndpoint(Endpoint.parse("udp://127.0.0.1:0")).withProxyProtocol(true);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, udp::validate);
        assertEquals("the PROXY protocol applies to stream sockets (tcp, unix), not udp", refused.getMessage());
        defaults.withEndpoint(Endpoint.parse("unix:/tmp/x.sock"))
                .withProxyProtocol(true)
                .validate();
    }
}
