package dev.socketkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.Locale;

/**
 * One stream connection's own totals, for {@link ServerListener#connectionClosed(long, long, long, String)}: its
 * number, the bytes it carried each way (as the server's byte counter counts them: decrypted, without a PROXY header)
 * and how it ended. In the pipeline only when the server has a listener, just after the byte counter: a server
 * without one pays nothing per connection. Not sharable: it holds one connection's counts, touched only on its event
 * loop.
 */
final class ConnectionTotals extends ChannelDuplexHandler {
    /** An orderly end, by either side (the peer's half-close or close, or the server's close after its answer). */
    static final String CLOSED = "closed";
    /** The peer reset the connection. */
    static final String RESET = "reset";
    /** Another failure: an I/O error, a bad frame, or a handler that threw. */
    static final String FAILED = "failed";
    /** Closed by the server as it stopped. */
    static final String STOPPED = "stopped";

    final long number;
    long bytesIn;
    long bytesOut;
    /** Whether the listener was told it opened; on a PROXY-protocol server, once its header is in. */
    boolean announced;

    private final boolean headerFirst;
    private String end;

    /** {@code headerFirst}: the server takes the PROXY protocol, so the connection begins with a header. */
    ConnectionTotals(long number, boolean headerFirst) {
        this.number = number;
        this.headerFirst = headerFirst;
    }

    /** How a guard's close of a connection is named: the guard's name ({@code idle_timeout}), or {@code refused}. */
    static String end(Guard guard) {
        return guard == Guard.CONNECTION_LIMIT ? "refused" : guard.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Records why {@code channel} is being closed, unless a reason came first (the first is the cause, what follows its
     * effect). Looked up only when a connection fails or a guard closes it, so an ordinary connection pays nothing.
     */
    static void ending(Channel channel, String why) {
        ConnectionTotals totals = channel.pipeline().get(ConnectionTotals.class);
        if (totals != null && totals.end == null) {
            totals.end = why;
        }
    }

    /**
     * How the connection ended: what was recorded; else, on a PROXY-protocol server, a connection closed before its
     * header was in was refused for it (the header's decoder closes the channel before it fires its exception, too
     * late to record); else {@link #CLOSED}.
     */
    String end() {
        if (end != null) {
            return end;
        }
        return headerFirst && !announced ? end(Guard.PROXY_HEADER) : CLOSED;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf data) {
            bytesIn += data.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf data) {
            bytesOut += data.readableBytes();
        }
        ctx.write(msg, promise);
    }
}
