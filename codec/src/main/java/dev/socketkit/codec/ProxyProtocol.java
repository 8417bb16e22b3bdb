package dev.socketkit.codec;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * HAProxy's PROXY protocol, by which a proxy or load balancer (HAProxy, AWS NLB, nginx {@code stream}) tells the server
 * behind it who the real client is: a header, text (v1) or binary (v2), that the proxy sends as the first bytes of
 * each connection, before anything of the client's. Netty's {@code codec-haproxy} parses it; this class adds what
 * socketkit's servers and clients need around it, and writes it.
 *
 * <p>On a server started with {@code ServerConfig.withProxyProtocol(true)}, every connection must begin with a header;
 * a handler of one's own learns the client from it with {@link #clientAddress(Channel)}:
 *
 * <pre>{@code
 * public void channelActive(ChannelHandlerContext ctx) {
 *     SocketAddress client = ProxyProtocol.clientAddress(ctx.channel()); // the header's, not the proxy's
 *     ...
 * }
 * }</pre>
 *
 * <p>What a server takes from a header, and which headers a client sends:
 *
 * <table>
 *   <caption>Headers and the client address they give</caption>
 *   <tr><th>header</th><th>client address</th><th>sent by a socketkit client</th></tr>
 *   <tr><td>v1 {@code TCP4}, {@code TCP6}; v2 {@code PROXY} over IPv4 or IPv6</td><td>the header's source address and
 *       port</td><td>on TCP connections: the connection's own local (source) and remote (destination) address</td>
 *   </tr>
 *   <tr><td>v1 {@code UNKNOWN}; v2 {@code PROXY} with an unspecified family</td><td>the socket's own peer</td>
 *       <td>v1 on Unix connections ({@code PROXY UNKNOWN\r\n}), as HAProxy sends for a client that is not IPv4 or
 *       IPv6</td></tr>
 *   <tr><td>v2 {@code LOCAL} (HAProxy's own health checks)</td><td>the socket's own peer</td><td>v2 on Unix
 *       connections, as HAProxy sends there; never the {@code AF_UNIX} family, which HAProxy never sends</td></tr>
 *   <tr><td>v2 {@code PROXY} over {@code AF_UNIX} stream</td><td>the header's source path</td><td>—</td></tr>
 *   <tr><td>v2 {@code PROXY} over UDP or {@code AF_UNIX} datagrams</td><td>refused: no datagram flow can be behind a
 *       stream connection</td><td>—</td></tr>
 * </table>
 *
 * <p>TLVs (v2's type-length-value extensions) are read past and ignored.
 *
 * <p><b>Trust:</b> a header says what its sender wants it to say; anyone who can reach a port that takes the PROXY
 * protocol can claim to be any client, {@code 127.0.0.1} included. Only a proxy you trust may reach such a port.
 */
public final class ProxyProtocol {
    /**
     * The longest header a server takes: 16 KiB, HAProxy's own buffer size ({@code tune.bufsize}). A v1 header is at
     * most 107 bytes; a v2 header may declare up to 65,551, but no proxy sends TLVs of that size, and the bound keeps
     * what a connection that never completes its header can make the server hold to one small buffer.
     */
    public static final int MAX_HEADER_LENGTH = 16 * 1024;

    private static final AttributeKey<SocketAddress> CLIENT = AttributeKey.valueOf(ProxyProtocol.class, "client");

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** The v2 header's fixed part: signature, version and command, family and transport, length. */
    private static final int V2_FIXED = 16;

    private static final HeaderWriter V1_WRITER = new HeaderWriter(ProxyVersion.V1);
    private static final HeaderWriter V2_WRITER = new HeaderWriter(ProxyVersion.V2);

    private ProxyProtocol() {}

    /**
     * The client of a connection: the source address its PROXY header gave, when it began with one, else the socket's
     * own peer, {@link Channel#remoteAddress()}. On a server that takes the PROXY protocol, handlers see the
     * connection only once its header is in, so this is the real client's address from their first event on; for a
     * LOCAL or UNKNOWN header (a proxy's health check, a client that is not IPv4 or IPv6) it is the socket's peer.
     *
     * @param channel a connection
     * @return the client's address; an {@link InetSocketAddress} for TCP clients
     */
    public static SocketAddress clientAddress(Channel channel) {
        if (channel.hasAttr(CLIENT)) {
            SocketAddress client = channel.attr(CLIENT).get();
            if (client != null) {
                return client;
            }
        }
        return channel.remoteAddress();
    }

    /**
     * Takes {@code header} as the PROXY header of {@code channel}: from now on {@link #clientAddress} gives the client
     * it names. For the server's pipeline, which calls it once a connection's header is decoded; it does not release
     * the header.
     *
     * @param channel the connection the header began
     * @param header the decoded header
     * @return the client's address, as {@link #clientAddress} will give it
     * @throws HAProxyProtocolException if the header cannot describe a stream connection's client (a UDP or Unix
     *     datagram flow), or its source address is not an IP address
     */
    public static SocketAddress accept(Channel channel, HAProxyMessage header) {
        SocketAddress client = header.command() == HAProxyCommand.LOCAL
                ? channel.remoteAddress()
                : switch (header.proxiedProtocol()) {
                    case TCP4, TCP6 -> inetAddress(header);
                    case UNIX_STREAM -> UnixDomainSocketAddress.of(header.sourceAddress());
                    case UNKNOWN -> channel.remoteAddress();
                    case UDP4, UDP6, UNIX_DGRAM ->
                        throw new HAProxyProtocolException("a PROXY header for a datagram flow ("
                                + header.proxiedProtocol() + ") cannot begin a stream connection");
                };
        channel.attr(CLIENT).set(client);
        return client;
    }

    private static InetSocketAddress inetAddress(HAProxyMessage header) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        if (address == null) {
            throw new HAProxyProtocolException("the PROXY header's source is not an IP address");
        }
        return new InetSocketAddress(address, header.sourcePort());
    }

    /**
     * The bytes of the header a proxy would send for a connection from {@code source} to {@code destination}, as
     * HAProxy writes it: {@code TCP4} when both are IPv4 addresses, {@code TCP6} when both are IP addresses and one is
     * IPv6 (an IPv4 one mapped to IPv6, as HAProxy's v2 header does), and for anything else, such as a Unix client, v1
     * {@code PROXY UNKNOWN\r\n} or v2 {@code LOCAL} with no addresses. Written here rather than by Netty's encoder,
     * which in 4.2.18 cannot write the v1 {@code UNKNOWN} line (it writes the addresses that line does not have).
     *
     * @param version v1 (text) or v2 (binary)
     * @param source the client's address
     * @param destination the server's address
     * @return the header's bytes
     */
    public static byte[] header(ProxyVersion version, SocketAddress source, SocketAddress destination) {
        Objects.requireNonNull(version, "version");
        if (!(source instanceof InetSocketAddress from
                && destination instanceof InetSocketAddress to
                && from.getAddress() != null
                && to.getAddress() != null)) {
            return version == ProxyVersion.V1
                    ? "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII)
                    : ByteBuffer.allocate(V2_FIXED)
                            .put(V2_SIGNATURE)
                            .put((byte) 0x20)
                            .array(); // LOCAL, UNSPEC, 0
        }
        boolean ipv4 = from.getAddress() instanceof Inet4Address && to.getAddress() instanceof Inet4Address;
        byte[] src = ipv4 ? from.getAddress().getAddress() : ipv6(from.getAddress());
        byte[] dst = ipv4 ? to.getAddress().getAddress() : ipv6(to.getAddress());
        if (version == ProxyVersion.V1) {
            String line = "PROXY " + (ipv4 ? "TCP4 " : "TCP6 ") + text(src) + " " + text(dst) + " " + from.getPort()
                    + " " + to.getPort() + "\r\n";
            return line.getBytes(StandardCharsets.US_ASCII);
        }
        int addresses = 2 * src.length + 4;
        return ByteBuffer.allocate(V2_FIXED + addresses)
                .put(V2_SIGNATURE)
                .put((byte) 0x21) // version 2, PROXY
                .put((byte) (ipv4 ? 0x11 : 0x21)) // AF_INET or AF_INET6, STREAM
                .putShort((short) addresses)
                .put(src)
                .put(dst)
                .putShort((short) from.getPort())
                .putShort((short) to.getPort())
                .array();
    }

    /** An IP address as 16 bytes: an IPv4 one mapped to IPv6 ({@code ::ffff:192.0.2.7}). */
    private static byte[] ipv6(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            return bytes;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }

    /** An address as v1 writes it: dotted IPv4, or IPv6 in its short form (RFC 5952), mapped IPv4 in dotted form. */
    private static String text(byte[] address) {
        boolean mapped = address.length == 16 && address[10] == (byte) 0xff && address[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = address[i] == 0;
        }
        return mapped
                ? "::ffff:" + NetUtil.bytesToIpAddress(Arrays.copyOfRange(address, 12, 16))
                : NetUtil.bytesToIpAddress(address);
    }

    /**
     * A handler that writes the connection's PROXY header as its first bytes, once it is connected, before anything
     * the handlers after it write, and then leaves the pipeline: put it first in a client's pipeline. The header names
     * the connection's own local address as the source and its remote one as the destination (see {@link #header}).
     * Sharable.
     *
     * @param version v1 (text) or v2 (binary)
     * @return the handler
     */
    public static ChannelHandler headerWriter(ProxyVersion version) {
        return Objects.requireNonNull(version, "version") == ProxyVersion.V1 ? V1_WRITER : V2_WRITER;
    }

    /**
     * A new decoder for the header a connection must begin with, v1 or v2, for the front of a server's pipeline: it
     * fires the decoded {@link HAProxyMessage} (which the next handler must release), hands on the bytes that followed
     * the header, and leaves the pipeline. A connection whose first bytes cannot begin a header, whose v2 header
     * declares more than {@link #MAX_HEADER_LENGTH} bytes, or whose header is malformed or too long, is closed at once,
     * and an {@link HAProxyProtocolException} saying why is fired; no more than one read of such input is ever held.
     * One per connection.
     *
     * @return the decoder
     */
    public static ChannelHandler newDecoder() {
        return new ProxyHeaderDecoder(MAX_HEADER_LENGTH);
    }

    /** Writes the PROXY header when the connection becomes active, then leaves the pipeline. */
    @Sharable
    private static final class HeaderWriter extends ChannelInboundHandlerAdapter {
        private final ProxyVersion version;

        HeaderWriter(ProxyVersion version) {
            this.version = version;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel channel = ctx.channel();
            byte[] bytes = header(version, channel.localAddress(), channel.remoteAddress());
            // Written from here, the first handler, it goes out before anything the handlers after it write.
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes), ctx.voidPromise());
            ctx.pipeline().remove(this);
            ctx.fireChannelActive();
        }
    }
}
