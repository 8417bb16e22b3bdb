package dev.socketkit.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PROXY header a socketkit client writes, byte for byte as HAProxy writes it, and the client a server takes from a
 * header: every family for v1 and v2, Unix connections as HAProxy handles them, and a round trip through the decoder.
 */
class ProxyProtocolTest {
    private static final InetSocketAddress CLIENT4 = address("192.0.2.7", 50312);
    private static final InetSocketAddress SERVER4 = address("198.51.100.1", 8090);
    private static final InetSocketAddress CLIENT6 = address("2001:db8::7", 50312);
    private static final InetSocketAddress SERVER6 = address("2001:db8::1", 8090);
    private static final SocketAddress UNIX_CLIENT = UnixDomainSocketAddress.of("");
    private static final SocketAddress UNIX_SERVER = UnixDomainSocketAddress.of("/tmp/echo.sock");

    private static final String SIGNATURE = "0d0a0d0a000d0a515549540a";

    private static InetSocketAddress address(String literal, int port) {
        return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(literal), port);
    }

    /** What a client's pipeline writes, in order: the header writer first, then a handler that writes on activation. */
    private static List<byte[]> written(ProxyVersion version, SocketAddress local, SocketAddress remote) {
        ConnectedChannel channel = ConnectedChannel.of(local, remote, ProxyProtocol.headerWriter(version), new Hello());
        channel.checkException();
        byte[] header = take(channel);
        byte[] hello = take(channel);
        assertNull(channel.readOutbound(), "only the header and the first write");
        assertTrue(channel.pipeline().first() instanceof Hello, "the writer and its encoder leave the pipeline");
        assertNull(channel.pipeline().get(HAProxyMessageEncoder.class));
        assertFalse(channel.finishAndReleaseAll());
        return List.of(header, hello);
    }

    private static byte[] take(ConnectedChannel channel) {
        ByteBuf sent = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(sent);
        } finally {
            sent.release();
        }
    }

    /** Writes {@code hello} as soon as the connection is active, as a client's first frame would go. */
    private static final class Hello extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("hello".getBytes(US_ASCII)));
        }
    }

    @Test
    void v1OverIpv4NamesTheConnectionsOwnAddressAsTheSource() {
        List<byte[]> sent = written(ProxyVersion.V1, CLIENT4, SERVER4);
        assertEquals("PROXY TCP4 192.0.2.7 198.51.100.1 50312 8090\r\n", new String(sent.get(0), US_ASCII));
        assertEquals("hello", new String(sent.get(1), US_ASCII), "the client's first write comes after the header");
    }

    @Test
    void v1OverIpv6() {
        assertEquals(
                "PROXY TCP6 2001:db8::7 2001:db8::1 50312 8090\r\n",
                new String(written(ProxyVersion.V1, CLIENT6, SERVER6).get(0), US_ASCII));
    }

    @Test
    void v2OverIpv4IsHaproxysBinaryHeader() {
        assertEquals(
                SIGNATURE + "21" + "11" + "000c" + "c0000207" + "c6336401" + "c488" + "1f9a",
                HexFormat.of()
                        .formatHex(written(ProxyVersion.V2, CLIENT4, SERVER4).get(0)));
    }

    @Test
    void v2OverIpv6() {
        assertEquals(
                SIGNATURE + "21" + "21" + "0024" + "20010db8000000000000000000000007"
                        + "20010db8000000000000000000000001" + "c488" + "1f9a",
                HexFormat.of()
                        .formatHex(written(ProxyVersion.V2, CLIENT6, SERVER6).get(0)));
    }

    /** HAProxy maps an IPv4 address to IPv6 when the other end is IPv6, in both versions. */
    @Test
    void mixedFamiliesGoAsIpv6() {
        assertEquals(
                "PROXY TCP6 ::ffff:192.0.2.7 2001:db8::1 50312 8090\r\n",
                new String(written(ProxyVersion.V1, CLIENT4, SERVER6).get(0), US_ASCII));
    }

    /** As HAProxy does for a client that is not IPv4 or IPv6: v1 UNKNOWN, v2 LOCAL with no addresses. */
    @Test
    void aUnixConnectionSendsUnknownInV1AndLocalInV2() {
        assertEquals(
                "PROXY UNKNOWN\r\n",
                new String(written(ProxyVersion.V1, UNIX_CLIENT, UNIX_SERVER).get(0), US_ASCII));
        assertEquals(
                SIGNATURE + "20" + "00" + "0000",
                HexFormat.of()
                        .formatHex(written(ProxyVersion.V2, UNIX_CLIENT, UNIX_SERVER)
                                .get(0)));
    }

    @ParameterizedTest
    @EnumSource(ProxyVersion.class)
    void aHeaderWrittenIsReadBackAsTheClientsAddress(ProxyVersion version) {
        for (InetSocketAddress[] pair :
                new InetSocketAddress[][] {{CLIENT4, SERVER4}, {CLIENT6, SERVER6}, {CLIENT4, SERVER6}}) {
            byte[] header = written(version, pair[0], pair[1]).get(0);
            ConnectedChannel server =
                    ConnectedChannel.of(pair[1], address("10.0.0.9", 40000), ProxyProtocol.newDecoder());
            server.writeInbound(server.alloc().buffer().writeBytes(header));
            HAProxyMessage decoded = server.readInbound();
            try {
                assertEquals(pair[0], ProxyProtocol.accept(server, decoded));
                assertEquals(pair[0], ProxyProtocol.clientAddress(server));
            } finally {
                decoded.release();
            }
            assertFalse(server.finishAndReleaseAll());
        }
    }

    @Test
    void withoutAHeaderTheClientIsTheSocketsPeer() {
        ConnectedChannel channel = ConnectedChannel.of(SERVER4, CLIENT4);
        assertEquals(CLIENT4, ProxyProtocol.clientAddress(channel));
        channel.finishAndReleaseAll();
    }

    @Test
    void localAndUnknownHeadersKeepTheSocketsPeer() {
        InetSocketAddress proxy = address("10.0.0.9", 40000);
        for (HAProxyMessage header : List.of(
                new HAProxyMessage(
                        HAProxyProtocolVersion.V2,
                        HAProxyCommand.LOCAL,
                        HAProxyProxiedProtocol.UNKNOWN,
                        null,
                        null,
                        0,
                        0),
                new HAProxyMessage(
                        HAProxyProtocolVersion.V1,
                        HAProxyCommand.PROXY,
                        HAProxyProxiedProtocol.UNKNOWN,
                        null,
                        null,
                        0,
                        0))) {
            ConnectedChannel channel = ConnectedChannel.of(SERVER4, proxy);
            assertEquals(proxy, ProxyProtocol.accept(channel, header));
            assertEquals(proxy, ProxyProtocol.clientAddress(channel));
            header.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aUnixStreamHeaderGivesTheSourcePath() {
        HAProxyMessage header = new HAProxyMessage(
                HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.UNIX_STREAM,
                "/run/client.sock",
                "/run/server.sock",
                0,
                0);
        ConnectedChannel channel = ConnectedChannel.of(SERVER4, CLIENT4);
        assertEquals(UnixDomainSocketAddress.of("/run/client.sock"), ProxyProtocol.accept(channel, header));
        header.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void aDatagramFlowCannotBeginAStreamConnection() {
        HAProxyMessage header = new HAProxyMessage(
                HAProxyProtocolVersion.V2,
                HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.UDP4,
                "192.0.2.7",
                "198.51.100.1",
                5000,
                53);
        ConnectedChannel channel = ConnectedChannel.of(SERVER4, CLIENT4);
        HAProxyProtocolException refused =
                assertThrows(HAProxyProtocolException.class, () -> ProxyProtocol.accept(channel, header));
        assertTrue(refused.getMessage().contains("UDP4"), refused.getMessage());
        assertEquals(CLIENT4, ProxyProtocol.clientAddress(channel), "nothing recorded");
        header.release();
        channel.finishAndReleaseAll();
    }

    /** Netty's own encoder, an independent writer, writes the same bytes for every header it can write. */
    @ParameterizedTest
    @EnumSource(ProxyVersion.class)
    void theHeaderIsWhatNettysEncoderWrites(ProxyVersion version) {
        for (InetSocketAddress[] pair : new InetSocketAddress[][] {{CLIENT4, SERVER4}, {CLIENT6, SERVER6}}) {
            boolean ipv4 = pair[0] == CLIENT4;
            HAProxyMessage message = new HAProxyMessage(
                    version == ProxyVersion.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
                    HAProxyCommand.PROXY,
                    ipv4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                    NetUtil.toAddressString(pair[0].getAddress()), // the short form, as inet_ntop gives HAProxy
                    NetUtil.toAddressString(pair[1].getAddress()),
                    pair[0].getPort(),
                    pair[1].getPort());
            ConnectedChannel channel = ConnectedChannel.of(pair[1], pair[0], HAProxyMessageEncoder.INSTANCE);
            channel.writeOutbound(message);
            assertEquals(
                    HexFormat.of().formatHex(take(channel)),
                    HexFormat.of().formatHex(ProxyProtocol.header(version, pair[0], pair[1])));
            assertFalse(channel.finishAndReleaseAll());
        }
    }
}
