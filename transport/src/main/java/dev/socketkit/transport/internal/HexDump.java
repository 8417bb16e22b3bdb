package dev.socketkit.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A wiretap, socat's {@code -x}: every chunk read or written, and every datagram, as a hex dump ({@link
 * ByteBufUtil#prettyHexDump}) under one header line that says which way it went and between which ends, always the
 * local end first:
 *
 * <pre>
 * read 5 bytes: 127.0.0.1:8090 &lt;- 127.0.0.1:50312
 *          +-------------------------------------------------+
 *          |  0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f |
 * +--------+-------------------------------------------------+----------------+
 * |00000000| 68 65 6c 6c 6f                                  |hello           |
 * +--------+-------------------------------------------------+----------------+
 * wrote 5 bytes: 127.0.0.1:8090 -&gt; 127.0.0.1:50312
 * </pre>
 *
 * Each dump goes to the sink whole, as one string of several lines, so that dumps of different connections never
 * interleave. Placed where it sees the bytes as the application does: after TLS (decrypted), before any frame codec. It
 * passes every message on untouched, and is {@link Sharable}: servers, clients and the relay add the same one to every
 * channel.
 */
@Sharable
public final class HexDump extends ChannelDuplexHandler {
    private final Consumer<String> sink;

    /**
     * A wiretap writing to {@code sink}, which must be thread-safe: every event loop calls it.
     *
     * @param sink takes each dump, header and all, with no line end after its last line
     */
    public HexDump(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        dump(ctx.channel(), msg, true);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        dump(ctx.channel(), msg, false);
        ctx.write(msg, promise);
    }

    private void dump(Channel channel, Object msg, boolean read) {
        ByteBuf data;
        SocketAddress remote;
        if (msg instanceof ByteBuf bytes) {
            data = bytes;
            remote = channel.remoteAddress();
        } else if (msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf bytes) {
            data = bytes;
            remote = read ? datagram.sender() : datagram.recipient();
        } else {
            return;
        }
        if (!data.isReadable() && msg instanceof ByteBuf) {
            return; // the empty buffers Netty writes to flush or to close after pending writes: no data
        }
        sink.accept(header(channel, data.readableBytes(), read, remote)
                + System.lineSeparator()
                + ByteBufUtil.prettyHexDump(data));
    }

    /** {@code read 5 bytes: 127.0.0.1:8090 <- 127.0.0.1:50312}; the local end first, the arrow the direction. */
    static String header(Channel channel, int bytes, boolean read, SocketAddress remote) {
        return (read ? "read " : "wrote ")
                + bytes
                + (bytes == 1 ? " byte: " : " bytes: ")
                + describe(channel.localAddress())
                + (read ? " <- " : " -> ")
                + describe(remote);
    }

    /** An address as people write it: {@code 127.0.0.1:8090}, {@code [::1]:8090}, a Unix path, or {@code unnamed}. */
    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null
                    ? NetUtil.toSocketAddressString(inet)
                    : inet.getHostString() + ":" + inet.getPort();
        }
        String path = null;
        if (address instanceof DomainSocketAddress domain) {
            path = domain.path();
        } else if (address instanceof UnixDomainSocketAddress unix) {
            path = unix.getPath().toString();
        }
        // A Unix client socket that was never bound has no path: the kernel names it nothing.
        return path == null || path.isEmpty() ? "unnamed" : path;
    }
}
