package dev.socketkit.server;

import io.netty.channel.ChannelHandler;

/**
 * Makes the Netty handler that serves one connection, event-loop style: the handler runs on the connection's event loop
 * and must never block. A stream server calls {@link #newHandler()} once per accepted connection; a datagram server
 * calls it once for its socket, and the handler then reads {@link io.netty.channel.socket.DatagramPacket}s (UDP) or
 * {@link io.netty.channel.unix.DomainDatagramPacket}s (Unix datagrams) and answers each to its sender.
 *
 * <p>The handler sees frames as the configured {@link dev.socketkit.codec.Framing} cuts them, as {@link
 * io.netty.buffer.ByteBuf}s it must release or pass on, and what it writes goes through the framing's encoder. The server
 * puts its own handler after it, which closes a connection once the peer has shut down its side and everything pending
 * is written, stops reading while the peer does not read (backpressure), and turns an exception into one log line and
 * the close of that connection only: events the handler passes on reach it. A handler that is {@link
 * io.netty.channel.ChannelHandler.Sharable} may be returned for every connection.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.defaults().withHandler(() -> new ChannelInboundHandlerAdapter() {
 *     public void channelRead(ChannelHandlerContext ctx, Object msg) {
 *         ctx.writeAndFlush(msg); // echo
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface HandlerFactory extends ServerHandler {
    /**
     * {@return a handler for one new connection (stream servers) or for the server's socket (datagram servers)} Must
     * not be null.
     */
    ChannelHandler newHandler();
}
