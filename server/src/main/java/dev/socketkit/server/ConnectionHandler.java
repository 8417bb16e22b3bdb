package dev.socketkit.server;

import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.transport.internal.Failures;
import dev.socketkit.transport.internal.TlsEndOfInput;
import dev.socketkit.transport.internal.TlsFailures;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.SocketAddress;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The last handler of every connection: counts and logs it, applies backpressure, closes it when the peer is done, and
 * turns errors into one log line and the close of that connection only. Sharable: it only counts.
 *
 * <ul>
 *   <li>Backpressure: reading stops while the channel is not writable (the peer is not reading what it is sent) and
 *       resumes when the outbound buffer drains below its low-water mark, so a peer that only sends cannot make the
 *       server buffer without bound. Unflushed writes that cross the high-water mark are flushed first.
 *   <li>End of input: once the peer has shut down its side, everything pending is written and then the connection
 *       closes.
 *   <li>Errors close only this connection: memory or file descriptors running out with a WARN line that names it; a
 *       bad frame (over the limit, or corrupt) with one WARN line naming the peer (both at most one a second); a failure of the socket itself (a reset, a failed send) with a DEBUG line; anything else, an exception
 *       a handler threw, of whatever type, with a WARN line and its stack trace. Each is counted as a failure, but
 *       only the last kind is passed to {@link ServerListener#handlerFailed}: a reset or a bad frame is the peer's
 *       doing, not the handler's. {@link SocketFailures} tells the socket's failures from the handlers'.
 * </ul>
 */
@Sharable
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final int maxFrameLength;
    private final Counters counters;
    private final ServerListener listener;
    private final GuardLog guards;

    ConnectionHandler(int maxFrameLength, Counters counters, ServerListener listener, GuardLog guards) {
        this.maxFrameLength = maxFrameLength;
        this.counters = counters;
        this.listener = listener;
        this.guards = guards;
    }

    /**
     * Counts, remembers and announces the connection as soon as it is registered (once {@link ConnectionLimit} has
     * admitted it, on the listening channel, which gives its place back), before any handler runs, so that the
     * counts and hooks do not depend on what the server's handler passes on. One close listener undoes it all: this
     * runs for every accepted connection, so it stays lean (log arguments are built only when the level is on). On a
     * server that takes the PROXY protocol the client is not known yet: {@code announceNow} is false, and {@link
     * ProxyHeaderHandler} announces the connection once its header is in.
     */
    void opened(Channel channel, Set<Channel> connections, boolean announceNow, ConnectionTotals totals) {
        connections.add(channel);
        counters.accepted.increment();
        // Before the listener's hook: should the hook throw, the channel is closed and must still be forgotten.
        channel.closeFuture().addListener(f -> {
            connections.remove(channel);
            if (LOG.isDebugEnabled()) {
                LOG.debug("closed {}", Peers.describe(channel));
            }
            if (announceNow) {
                listener.connectionClosed(ProxyProtocol.clientAddress(channel));
            }
            if (totals != null) {
                listener.connectionClosed(totals.number, totals.bytesIn, totals.bytesOut, totals.end());
            }
        });
        if (announceNow) {
            announce(channel, false, totals);
        }
    }

    /**
     * Logs the connection and tells the listener of it, naming its client. {@code late}: announced after {@link
     * #opened}, once its PROXY header is in; its close is then reported from here, so that a connection refused for its
     * header is neither opened nor closed for the listener.
     */
    void announce(Channel channel, boolean late, ConnectionTotals totals) {
        if (late) {
            channel.closeFuture().addListener(f -> listener.connectionClosed(ProxyProtocol.clientAddress(channel)));
        }
        if (LOG.isInfoEnabled()) {
            LOG.info("connected {}", Peers.describe(channel));
        }
        SocketAddress peer = ProxyProtocol.clientAddress(channel);
        listener.connectionOpened(peer);
        if (totals != null) {
            totals.announced = true;
            listener.connectionOpened(totals.number, peer, channel.localAddress());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!channel.isWritable()) {
            ctx.flush();
        }
        channel.config().setAutoRead(channel.isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            closeAfterPendingWrites(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = Peers.describe(ctx.channel());
        counters.failures.increment();
        ConnectionTotals.ending(
                ctx.channel(),
                TlsFailures.isTls(cause)
                        ? ConnectionTotals.end(Guard.TLS_FAILURE)
                        : Failures.kind(cause) == Failures.Kind.RESET
                                ? ConnectionTotals.RESET
                                : ConnectionTotals.FAILED);
        if (Failures.isResourceFailure(cause)) {
            // Before the socket check: an allocation that fails in a read is fired from the head, like a reset.
            String more = guards.line(GuardLog.Line.RESOURCE_FAILURE);
            if (more != null) {
                LOG.warn("closing {}: {}{}", peer, Failures.describeResourceOrRoot(cause), more);
            }
        } else if (TlsFailures.isTls(cause)) {
            tlsFailed(peer, cause);
        } else if (cause instanceof TooLongFrameException) {
            String more = guards.line(GuardLog.Line.BAD_FRAME);
            if (more != null) {
                LOG.warn("closing {}: frame longer than the {}-byte limit{}", peer, maxFrameLength, more);
            }
        } else if (cause instanceof CorruptedFrameException) {
            String more = guards.line(GuardLog.Line.BAD_FRAME);
            if (more != null) {
                LOG.warn("closing {}: {}{}", peer, cause.getMessage(), more);
            }
        } else if (SocketFailures.isFromSocket(ctx, cause)) {
            LOG.debug("closing {}: {}", peer, cause.toString());
        } else {
            // Most likely a bug in a custom handler: its stack trace is what its author needs.
            LOG.warn("closing {}: handler failed", peer, cause);
            listener.handlerFailed(ProxyProtocol.clientAddress(ctx.channel()), cause);
        }
        ctx.close();
    }

    /**
     * Counts and logs the failure of {@code engine}'s handshake if it ran out of time ({@link
     * ServerConfig#tlsHandshakeTimeout()}). The engine closes such a connection itself and fires no exception down the
     * pipeline, only a failed handshake future: without this the timeout would close connections unseen. Any other
     * failed handshake comes as an exception too, and is counted there, once.
     */
    void watchHandshake(Channel channel, SslHandler engine) {
        engine.handshakeFuture().addListener(done -> {
            if (done.cause() instanceof SslHandshakeTimeoutException timedOut) {
                counters.failures.increment();
                ConnectionTotals.ending(channel, ConnectionTotals.end(Guard.TLS_FAILURE));
                tlsFailed(Peers.describe(channel), timedOut);
            }
        });
    }

    /** Counts a TLS failure under its guard, and logs it in the one line its cause gets (at most one a second). */
    private void tlsFailed(String peer, Throwable cause) {
        String more = guards.acted(Guard.TLS_FAILURE);
        if (more != null) {
            LOG.warn("{}; closed{}", TlsFailures.describe(peer, cause), more);
        }
    }

    /**
     * Closes {@code channel} once every write queued so far has gone out. The empty buffer is written past any frame
     * encoder, and completes only after the writes before it: from the head of the pipeline, or over TLS from just
     * after the engine, so that the engine encrypts and sends what it holds before its close_notify (written from the
     * head, the flush would never reach the engine, and its close would drop the answers it still held).
     */
    static void closeAfterPendingWrites(Channel channel) {
        ChannelHandlerContext afterTls = channel.pipeline().context(TlsEndOfInput.class);
        ChannelHandlerContext first =
                afterTls != null ? afterTls : channel.pipeline().firstContext();
        if (first == null) {
            channel.close();
            return;
        }
        first.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
