package dev.socketkit.loadgen;

import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One benchmark, every value already checked by the command line.
 *
 * @param mode what each connection does
 * @param endpoint the echo server
 * @param io the transport choice
 * @param socketOptions socket options for every connection
 * @param connections connections (datagram sockets) driven at once; for connrate, connect loops
 * @param size bytes per message (stream mode: per write)
 * @param duration the measured window
 * @param warmup run before the window, not counted
 * @param rate total messages per second across all connections, sent on a fixed schedule; 0 for as fast as the echoes
 *     come
 * @param timeout the longest connect, and the longest wait for data before a connection counts as stalled
 * @param datagramTimeout how long a datagram's echo may take before the datagram counts as lost
 * @param threads event-loop threads
 * @param proxyHeader the PROXY protocol header each stream connection writes first, as HAProxy would for it; empty for
 *     none
 * @param tls how every connection speaks TLS; null for plain text
 */
public record BenchConfig(
        Mode mode,
        Endpoint endpoint,
        Io io,
        List<SocketSetting> socketOptions,
        int connections,
        int size,
        Duration duration,
        Duration warmup,
        int rate,
        Duration timeout,
        Duration datagramTimeout,
        int threads,
        Optional<ProxyVersion> proxyHeader,
        TlsConfig tls) {

    /**
     * Copies the socket options and checks that nothing is missing.
     *
     * @param mode what each connection does
     * @param endpoint the echo server
     * @param io the transport choice
     * @param socketOptions socket options for every connection
     * @param connections connections (datagram sockets) driven at once; for connrate, connect loops
     * @param size bytes per message (stream mode: per write)
     * @param duration the measured window
     * @param warmup run before the window, not counted
     * @param rate total messages per second across all connections, sent on a fixed schedule; 0 for as fast as the
     *     echoes come
     * @param timeout the longest connect, and the longest wait for data before a connection counts as stalled
     * @param datagramTimeout how long a datagram's echo may take before the datagram counts as lost
     * @param threads event-loop threads
     * @param proxyHeader the PROXY header each stream connection writes first; empty for none
     * @param tls how every connection speaks TLS; null for plain text
     */
    public BenchConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(io, "io");
        socketOptions = List.copyOf(socketOptions);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(datagramTimeout, "datagramTimeout");
        Objects.requireNonNull(proxyHeader, "proxyHeader");
    }
}
