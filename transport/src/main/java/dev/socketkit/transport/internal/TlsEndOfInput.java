package dev.socketkit.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;

/**
 * Makes a TLS peer's {@code close_notify} the end of its input, as a FIN is over plain TCP: it goes on down the pipeline
 * as one {@link ChannelInputShutdownEvent}, so the framing decoders hand over their last frame and the handlers answer
 * what is left and close, exactly as they do when a plain peer half-closes. The FIN that usually follows is then not
 * announced a second time (a reply server would answer twice).
 *
 * <p>Netty's {@code SslHandler} fires an {@link SslCloseCompletionEvent} and leaves the channel open; without this
 * handler a server would wait for more data until its idle timeout. In TLS 1.3 a {@code close_notify} closes one
 * direction only, so answers still reach the peer; in TLS 1.2 the engine answers it with its own and closes both, so
 * answers after it are lost (TLS 1.2 has no half-close).
 *
 * <p>A FIN before the handshake is done closes the connection: the peer has stopped in the middle of a handshake that
 * cannot finish now. Without this a connection that allows half-closure would wait for the handshake timeout, and a
 * client would report a peer that closed (a server that refused it without an alert) as one that timed out.
 *
 * <p>One instance per connection: it remembers whether the end was announced. It goes right after the {@code
 * SslHandler}.
 */
public final class TlsEndOfInput extends ChannelInboundHandlerAdapter {
    private boolean ended;

    /** A handler for one new connection. */
    public TlsEndOfInput() {}

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslCloseCompletionEvent close) {
            ctx.fireUserEventTriggered(evt);
            if (close.isSuccess()) {
                announceEnd(ctx);
            }
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            SslHandler engine = ctx.pipeline().get(SslHandler.class);
            if (engine != null && !engine.handshakeFuture().isDone()) {
                // The handshake cannot finish: the engine fails it as closed once the channel is.
                ctx.close();
                return;
            }
            announceEnd(ctx);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void announceEnd(ChannelHandlerContext ctx) {
        if (!ended) {
            ended = true;
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }
}
