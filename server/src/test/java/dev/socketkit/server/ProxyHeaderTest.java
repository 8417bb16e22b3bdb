package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.codec.ConnectedChannel;
import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.codec.ProxyVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.NetUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A connection's whole pipeline on a server that takes the PROXY protocol, as the server builds it, on an embedded
 * channel whose peer is the proxy: each header form gives the listener, the log and the handlers the client it names,
 * what follows the header is served byte-exact whether it came with the header or later, and every connection that
 * does not begin with a valid header in time is closed and counted, unseen by the server's handler and listener.
 */
class ProxyHeaderTest {
    private static final InetSocketAddress SERVER = address("198.51.100.1", 8090);
    private static final InetSocketAddress PROXY = address("10.0.0.9", 40000);
    private static final InetSocketAddress CLIENT4 = address("192.0.2.7", 50312);
    private static final InetSocketAddress CLIENT6 = address("2001:db8::7", 50313);
    private static final byte[] SIGNATURE = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a");

    private final List<SocketAddress> opened = new ArrayList<>();
    private final List<SocketAddress> closed = new ArrayList<>();
    /** What the listener's numbered hooks were told, one string each, for an event log. */
    private final List<String> numbered = new ArrayList<>();

    private final Counters counters = new Counters();
    private ConnectedChannel channel;

    private static InetSocketAddress address(String literal, int port) {
        return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(literal), port);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A connection from the proxy to a {@code kind} server that takes the PROXY protocol. */
    private void connect(ServerKind kind, Duration headerTimeout) {
        ServerConfig config = ServerConfig.defaults()
                .withKind(kind)
                .withProxyProtocol(true)
                .withProxyHeaderTimeout(headerTimeout)
                .withListener(new ServerListener() {
                    @Override
                    public void connectionOpened(SocketAddress peer) {
                        opened.add(peer);
                    }

                    @Override
                    public void connectionClosed(SocketAddress peer) {
                        closed.add(peer);
                    }

                    @Override
                    public void connectionOpened(long number, SocketAddress peer, SocketAddress local) {
                        numbered.add("open " + number + " " + peer + " " + local);
                    }

                    @Override
                    public void connectionClosed(long number, long bytesIn, long bytesOut, String end) {
                        numbered.add("close " + number + " " + bytesIn + " " + bytesOut + " " + end);
                    }
                });
        ServerInitializer initializer = new ServerInitializer(config, kind.handlerFactory(config), null, counters);
        channel = ConnectedChannel.of(SERVER, PROXY, initializer.connections(ConcurrentHashMap.newKeySet()));
        channel.freezeTime(); // from here on, deadlines pass only when a test moves the clock
    }

    private void connect(ServerKind kind) {
        connect(kind, Duration.ofSeconds(5));
    }

    private void write(byte[] bytes) {
        channel.writeInbound(channel.alloc().buffer(bytes.length).writeBytes(bytes));
    }

    /** Everything the server sent so far. */
    private byte[] sent() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    private void advance(Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    private long refusals() {
        return counters.guardedCount(Guard.PROXY_HEADER);
    }

    private void assertRefused() {
        assertFalse(channel.isOpen(), "the connection should be closed");
        assertEquals(1, refusals(), "counted as a PROXY header refusal");
        assertEquals(0, sent().length, "the server's handler never saw the connection");
        assertEquals(List.of(), opened, "nor did the listener");
        channel.finishAndReleaseAll();
        assertEquals(List.of(), closed, "a connection never opened is not closed for the listener");
        assertEquals(
                List.of("close 1 0 0 proxy_header"), numbered, "but every accepted one has a close with its number");
        assertEquals(1, counters.accepted.sum(), "it was accepted, and counted so");
    }

    /** Each header form, and the client it gives: the header's, or the socket's peer (the proxy) for LOCAL and UNKNOWN. */
    static Stream<Arguments> headers() {
        return Stream.of(
                Arguments.of("v1 TCP4", ProxyProtocol.header(ProxyVersion.V1, CLIENT4, SERVER), CLIENT4),
                Arguments.of(
                        "v1 TCP6", ProxyProtocol.header(ProxyVersion.V1, CLIENT6, address("2001:db8::1", 1)), CLIENT6),
                Arguments.of("v1 UNKNOWN", "PROXY UNKNOWN\r\n".getBytes(US_ASCII), PROXY),
                Arguments.of("v2 PROXY TCP4", ProxyProtocol.header(ProxyVersion.V2, CLIENT4, SERVER), CLIENT4),
                Arguments.of(
                        "v2 PROXY TCP6", ProxyProtocol.header(ProxyVersion.V2, CLIENT6, address("::1", 1)), CLIENT6),
                Arguments.of("v2 LOCAL", concat(SIGNATURE, new byte[] {0x20, 0x00, 0x00, 0x00}), PROXY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void theHeadersClientIsWhomTheListenerAndTheLogSee(String form, byte[] header, SocketAddress client) {
        connect(ServerKind.ECHO);
        write(header);
        assertEquals(List.of(client), opened);
        assertEquals(client, ProxyProtocol.clientAddress(channel));
        assertEquals(client.toString(), Peers.describe(channel));
        write("after".getBytes(US_ASCII));
        assertEquals("after", new String(sent(), US_ASCII));
        assertEquals(0, refusals());
        channel.close();
        assertEquals(List.of(client), closed);
        assertEquals(
                List.of("open 1 " + client + " " + SERVER, "close 1 5 5 closed"),
                numbered,
                "numbered, with the header's client and the bytes after the header each way");
        assertFalse(channel.finishAndReleaseAll());
    }

    /** Bytes that came in the header's own read are handed on byte-exact, as if they had come in a read of their own. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void bytesAfterTheHeaderInTheSameReadAreEchoedByteExact(String form, byte[] header, SocketAddress client) {
        connect(ServerKind.ECHO);
        byte[] rest = {'h', 'i', '\r', '\n', 0, (byte) 0xff, 0x0d, 0x0a, 'P', 'R', 'O', 'X', 'Y'};
        write(concat(header, rest));
        assertArrayEquals(rest, sent());
        assertEquals(List.of(client), opened);
        assertEquals(rest.length, counters.bytesIn.sum(), "the header's bytes are the proxy's, not counted");
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aHeaderSplitAnywhereAcrossTwoReadsIsTheSame(String form, byte[] header, SocketAddress client) {
        for (int cut = 1; cut < header.length; cut++) {
            opened.clear();
            connect(ServerKind.ECHO);
            write(Arrays.copyOfRange(header, 0, cut));
            assertEquals(List.of(), opened, "not announced before the header is whole");
            write(concat(Arrays.copyOfRange(header, cut, header.length), "x".getBytes(US_ASCII)));
            assertEquals(List.of(client), opened, "cut at " + cut);
            assertEquals("x", new String(sent(), US_ASCII));
            assertFalse(channel.finishAndReleaseAll());
        }
    }

    @Test
    void aHeaderOneByteAtATimeIsTheSame() {
        connect(ServerKind.ECHO);
        for (byte b : ProxyProtocol.header(ProxyVersion.V2, CLIENT6, SERVER)) {
            write(new byte[] {b});
        }
        assertEquals(List.of(CLIENT6), opened);
        assertFalse(channel.finishAndReleaseAll());
    }

    /** The welcome server greets the client only once its header is in, so the greeting follows nothing of the proxy's. */
    @Test
    void theGreetingWaitsForTheHeader() {
        connect(ServerKind.WELCOME);
        byte[] header = ProxyProtocol.header(ProxyVersion.V1, CLIENT4, SERVER);
        write(Arrays.copyOf(header, 10));
        assertEquals(0, sent().length, "no greeting before the header");
        write(Arrays.copyOfRange(header, 10, header.length));
        assertEquals("Welcome to the server", new String(sent(), US_ASCII));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aHeaderThenNothingLeavesTheConnectionOpenPastTheHeaderDeadline() {
        connect(ServerKind.ECHO);
        write(ProxyProtocol.header(ProxyVersion.V2, CLIENT4, SERVER));
        advance(Duration.ofSeconds(30));
        assertTrue(channel.isOpen(), "a header in time ends the header deadline");
        assertEquals(0, refusals());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void noHeaderWithinTheDeadlineIsClosedAndCounted() {
        connect(ServerKind.ECHO, Duration.ofSeconds(5));
        write("PROXY TCP4 192.0.2.7".getBytes(US_ASCII)); // a slow header: part of it, then nothing
        // A second short of it: the clock is frozen only once the channel is registered, after the deadline began, and
        // on a loaded machine milliseconds pass in between.
        advance(Duration.ofSeconds(4));
        assertTrue(channel.isOpen(), "before the deadline");
        advance(Duration.ofSeconds(1));
        assertRefused();
    }

    @Test
    void silenceIsClosedAtTheDeadlineToo() {
        connect(ServerKind.WELCOME, Duration.ofSeconds(5));
        advance(Duration.ofSeconds(5));
        assertRefused();
    }

    @Test
    void aPlainClientIsRefusedAtOnceAndUnseen() {
        connect(ServerKind.WELCOME);
        write("hello server\n".getBytes(US_ASCII));
        assertRefused();
    }

    @Test
    void aMalformedHeaderIsRefused() {
        connect(ServerKind.ECHO);
        write("PROXY TCP4 192.0.2.7 198.51.100.1 99999 8090\r\nhello".getBytes(US_ASCII));
        assertRefused();
    }

    @Test
    void aHeaderForADatagramFlowIsRefused() {
        connect(ServerKind.ECHO);
        byte[] udp = ProxyProtocol.header(ProxyVersion.V2, CLIENT4, SERVER);
        udp[13] = 0x12; // AF_INET, DGRAM
        write(udp);
        assertRefused();
    }

    @Test
    void anOversizedV2HeaderIsRefusedBeforeItsBodyIsHeld() {
        connect(ServerKind.ECHO);
        write(concat(SIGNATURE, new byte[] {0x21, 0x11, (byte) 0xff, (byte) 0xff}));
        assertRefused();
    }

    @Test
    void anEndWithinTheHeaderIsRefused() {
        connect(ServerKind.ECHO);
        write("PROXY TCP".getBytes(US_ASCII));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertRefused();
    }

    /** A port probe, or HAProxy's plain TCP health check: it connects and goes, and nothing is wrong. */
    @Test
    void anEndBeforeAnyByteIsClosedWithoutBeingCounted() {
        connect(ServerKind.REPLY);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertFalse(channel.isOpen());
        assertEquals(0, refusals());
        assertEquals(0, sent().length, "the reply server, which answers even a silent peer, never saw it");
        assertFalse(channel.finishAndReleaseAll());
        assertEquals(List.of("close 1 0 0 closed"), numbered, "a probe that closes is not refused for its header");
    }

    /** The socket's own failures before the header still reach the connection handler, which counts them. */
    @Test
    void aResetBeforeTheHeaderIsAFailureNotARefusal() {
        connect(ServerKind.ECHO);
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertFalse(channel.isOpen());
        assertEquals(1, counters.failures.sum());
        assertEquals(0, refusals());
        assertFalse(channel.finishAndReleaseAll());
        assertEquals(List.of("close 1 0 0 reset"), numbered, "a reset, not a refusal, in the close event too");
    }

    @Test
    void bytesInTheReadThatFailedAreReleased() {
        connect(ServerKind.ECHO);
        ByteBuf garbage = Unpooled.directBuffer().writeBytes(new byte[4096]);
        channel.writeInbound(garbage);
        assertEquals(0, garbage.refCnt());
        assertNull(channel.readInbound());
        assertRefused();
    }
}
