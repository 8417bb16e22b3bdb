package dev.socketkit.server;

import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.DirectDatagrams;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The server's guard just after the byte counter of a datagram socket, whichever handler serves it. Inbound, it drops
 * the datagrams that must not be answered before any handler sees them: from a Unix socket that bound no path
 * (nothing to answer), and those {@link DatagramSources} refuses (loops, over the source's rate). Outbound, it drops
 * the answers that must not go out: more than three times what the source sent (off loopback), larger than a datagram
 * can be, or while the socket's send buffer is full, so that answers are never queued without bound. Each drop is
 * counted as its {@link Guard} and logged at most once a second per guard.
 *
 * <p>One per datagram socket: it holds the socket's table of sources, made when the socket is bound.
 */
final class DatagramGuard extends ChannelDuplexHandler {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    /** What a Linux Unix datagram socket may send: its send buffer less this much ({@code unix_dgram_sendmsg}). */
    private static final int UNIX_SEND_OVERHEAD = 32;

    private final ServerConfig config;
    private final GuardLog guards;
    private final Counters counters;
    private int maxUnixAnswer;
    private DatagramSources sources;

    DatagramGuard(ServerConfig config, GuardLog guards, Counters counters) {
        this.config = config;
        this.guards = guards;
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (config.endpoint().kind() == SocketKind.UNIXGRAM) {
            // The kernel refuses a datagram larger than the socket's own send buffer allows (EMSGSIZE).
            Integer sendBuffer = ctx.channel().config().getOption(ChannelOption.SO_SNDBUF);
            maxUnixAnswer = sendBuffer != null && sendBuffer > UNIX_SEND_OVERHEAD
                    ? sendBuffer - UNIX_SEND_OVERHEAD
                    : DatagramLimits.maxUnixDatagram();
        }
        sources = new DatagramSources(
                ctx.channel().localAddress(), config.datagramRate(), config.amplificationLimit(), System::nanoTime);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AddressedEnvelope<?, ?> datagram
                && datagram.content() instanceof ByteBuf data
                && !config.receiveOnly()) {
            SocketAddress sender = datagram.sender();
            Guard refused = canAnswer(sender) ? sources.admit(sender, data.readableBytes()) : Guard.DATAGRAM_UNBOUND;
            if (refused != null) {
                dropped(refused, sender, msg);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof AddressedEnvelope<?, ?> answer && answer.content() instanceof ByteBuf data) {
            SocketAddress recipient = answer.recipient();
            int bytes = data.readableBytes();
            Guard refused;
            if (bytes > maxAnswer(recipient)) {
                refused = Guard.DATAGRAM_TOO_LARGE;
            } else if (!writable(ctx)) {
                refused = Guard.DATAGRAM_SOCKET_FULL;
            } else {
                refused = sources.mayAnswer(recipient, bytes);
            }
            if (refused != null) {
                dropped(refused, recipient, msg);
                // The answer is settled, as a full socket buffer would settle it: dropped, not failed.
                promise.trySuccess();
                return;
            }
            if (recipient instanceof DomainSocketAddress peer
                    && DirectDatagrams.queuesBlockedUnixDatagrams(ctx.channel())) {
                sendUnixNow(ctx, peer, data, msg, promise);
                return;
            }
            if (bytes == 0 && recipient instanceof InetSocketAddress peer && DirectDatagrams.skippedBy(ctx.channel())) {
                sendEmpty(ctx, peer, msg, promise);
                return;
            }
            if (recipient instanceof InetSocketAddress peer && !(msg instanceof DatagramPacket)) {
                // A handler's plain envelope, as a packet: epoll sends a batch of packets in one sendmmsg (an envelope
                // goes alone, in a sendto of its own), and the water marks count a packet's bytes (an envelope,
                // which is no ByteBufHolder, counts 8). The envelope's only resource is its content, which moves;
                // a source address the handler chose goes with it.
                msg = new DatagramPacket(data, peer, answer.sender() instanceof InetSocketAddress from ? from : null);
            }
        }
        ctx.write(msg, promise);
    }

    /**
     * Whether the socket takes another answer. Past the high water mark the batch's answers so far are flushed first:
     * a batch of large answers can pass the mark before the end of the batch flushes it, and only what the socket's
     * buffer then refuses is a full socket. What waits unflushed stays within the marks.
     */
    private static boolean writable(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            return true;
        }
        ctx.flush();
        return ctx.channel().isWritable();
    }

    /**
     * A Unix datagram answer, sent at once or dropped as {@link Guard#DATAGRAM_SOCKET_FULL}: a peer that never reads
     * fills its own queue, and only its own answers are lost, where Netty would hold everyone's behind them. Counted
     * as the byte counter, which this bypasses, would count it.
     */
    private void sendUnixNow(
            ChannelHandlerContext ctx, DomainSocketAddress peer, ByteBuf data, Object msg, ChannelPromise promise) {
        int bytes = data.readableBytes();
        try {
            if (DirectDatagrams.sendUnix(ctx.channel(), peer, data)) {
                counters.bytesOut.add(bytes);
                counters.framesOut.increment();
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
            } else {
                dropped(Guard.DATAGRAM_SOCKET_FULL, peer, msg);
                promise.trySuccess();
            }
        } catch (IOException e) {
            ReferenceCountUtil.release(msg);
            if (!promise.tryFailure(e)) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    /**
     * An empty answer, which this transport would skip: sent through the socket itself, after what is queued before
     * it, and counted as the byte counter would count it.
     */
    private void sendEmpty(ChannelHandlerContext ctx, InetSocketAddress recipient, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
        ctx.flush();
        try {
            DirectDatagrams.send(ctx.channel(), recipient);
            counters.framesOut.increment();
            promise.trySuccess();
        } catch (IOException e) {
            if (!promise.tryFailure(e)) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    private void dropped(Guard guard, SocketAddress peer, Object msg) {
        int bytes = msg instanceof AddressedEnvelope<?, ?> envelope && envelope.content() instanceof ByteBuf data
                ? data.readableBytes()
                : 0;
        ReferenceCountUtil.release(msg);
        String more = guards.acted(guard);
        if (more != null) {
            LOG.warn("dropped {}{}", describe(guard, peer, bytes), more);
        }
    }

    private String describe(Guard guard, SocketAddress peer, int bytes) {
        String who = peer instanceof DomainSocketAddress domain ? "unix:" + domain.path() : String.valueOf(peer);
        return switch (guard) {
            case DATAGRAM_UNBOUND -> "a datagram from a Unix socket that bound no path: nothing can answer it";
            case DATAGRAM_LOOP -> "a datagram from " + who + ": answering it could start a loop between servers";
            case DATAGRAM_RATE ->
                "datagrams from " + who + ": more than its " + config.datagramRate() + " a second (--udp-rate)";
            case DATAGRAM_AMPLIFICATION ->
                "an answer of " + bytes + " bytes to " + who + ": more than " + DatagramSources.AMPLIFICATION_FACTOR
                        + " times what it sent";
            case DATAGRAM_TOO_LARGE ->
                "an answer of " + bytes + " bytes to " + who + ": the largest datagram is " + maxAnswer(peer)
                        + " bytes";
            case DATAGRAM_SOCKET_FULL ->
                "an answer to " + who + ": the socket's send buffer, or the Unix peer's queue, is full";
            default -> guard.description() + " (" + who + ")";
        };
    }

    /** The largest datagram that can go to {@code recipient}: IPv4's payload limit is 20 bytes below IPv6's. */
    private int maxAnswer(SocketAddress recipient) {
        if (recipient instanceof InetSocketAddress inet) {
            return DatagramLimits.maxUdpPayload(inet.getAddress());
        }
        return maxUnixAnswer;
    }

    private static boolean canAnswer(SocketAddress sender) {
        if (sender == null) {
            return false;
        }
        return !(sender instanceof DomainSocketAddress domain) || !domain.path().isEmpty();
    }
}
