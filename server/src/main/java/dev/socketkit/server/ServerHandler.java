package dev.socketkit.server;

/**
 * What a server does with its connections or datagrams: either Netty handlers made per connection ({@link
 * HandlerFactory}, event-loop style) or plain blocking code run off the event loop ({@link BlockingHandler}, the
 * tutorial's {@code SocketServer} style). Set one with {@code ServerConfig.withHandler}; without one, a
 * server runs the built-in handler of its {@link ServerKind}, which is itself a {@link HandlerFactory}.
 */
public sealed interface ServerHandler permits HandlerFactory, BlockingHandler {}
