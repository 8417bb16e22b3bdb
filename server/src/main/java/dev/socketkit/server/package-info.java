/**
 * socketkit's servers: {@code echo}, {@code welcome} and {@code reply}, over TCP, UDP, Unix stream and Unix datagram
 * sockets, on any Netty transport.
 *
 * <p>Start one with {@link dev.socketkit.server.Server#start} and a {@link dev.socketkit.server.ServerConfig}; the
 * running server tells its real endpoint and closes gracefully:
 *
 * <pre>{@code
 * try (Server server = Server.start(ServerConfig.defaults()
 *         .withKind(ServerKind.ECHO)
 *         .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")))) {
 *     Endpoint where = server.endpoint(); // tcp://127.0.0.1:41234
 * }
 * }</pre>
 */
package dev.socketkit.server;
