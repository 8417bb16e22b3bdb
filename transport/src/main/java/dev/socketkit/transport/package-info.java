/**
 * Where sockets live and which Netty transport carries them, shared by socketkit's servers and clients.
 *
 * <p>{@link dev.socketkit.transport.Endpoint} names an address as a URI ({@code tcp://127.0.0.1:8090},
 * {@code udp://[::1]:9000}, {@code unix:///run/app.sock}, {@code unixgram:relative.sock}); {@link
 * dev.socketkit.transport.Transport} knows the event-loop and channel classes of NIO, epoll, io_uring and kqueue, and
 * {@link dev.socketkit.transport.Io} picks one of them for a kind of socket. {@link dev.socketkit.transport.TlsConfig}
 * says how either side speaks TLS, on the engine {@link dev.socketkit.transport.TlsEngine} names.
 */
package dev.socketkit.transport;
