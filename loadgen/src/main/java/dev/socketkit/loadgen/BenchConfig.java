package dev.socketkit.loadgen;

import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One benchmark: the echo server, what each connection does, how many connections, how large a message, how long.
 * Immutable: each {@code withX} returns a changed copy. Values are checked as they are set; {@link #validate()}, which
 * {@link Bench#prepare} calls, checks how they fit together.
 *
 * <pre>{@code
 * BenchConfig config = BenchConfig.defaults()
 *         .withEndpoint(Endpoint.parse("tcp://127.0.0.1:8090"))
 *         .withConnections(64)
 *         .withSize(1024)
 *         .withDuration(Duration.ofSeconds(30));
 * BenchReport report = Bench.prepare(config).run();
 * }</pre>
 */
public final class BenchConfig {
    /** The most connections one run opens: far beyond what one machine's load generator drives usefully. */
    public static final int MAX_CONNECTIONS = 100_000;

    /** The most event-loop threads. */
    public static final int MAX_THREADS = 1024;

    private final Mode mode;
    private final Endpoint endpoint;
    private final Io io;
    private final List<SocketSetting> socketOptions;
    private final int connections;
    private final int size;
    private final Duration duration;
    private final Duration warmup;
    private final int rate;
    private final Duration timeout;
    private final Duration datagramTimeout;
    private final Integer threads;
    private final ProxyVersion proxyHeader;
    private final TlsConfig tls;
    private final long serverPid;

    private BenchConfig(Draft draft) {
        this.mode = Objects.requireNonNull(draft.mode, "mode");
        this.endpoint = Objects.requireNonNull(draft.endpoint, "endpoint");
        this.io = Objects.requireNonNull(draft.io, "io");
        this.socketOptions = List.copyOf(draft.socketOptions);
        this.connections = draft.connections;
        this.size = draft.size;
        this.duration = checkPositive("duration", draft.duration);
        this.warmup = Objects.requireNonNull(draft.warmup, "warmup");
        this.rate = draft.rate;
        this.timeout = checkPositive("timeout", draft.timeout);
        this.datagramTimeout = checkPositive("datagram timeout", draft.datagramTimeout);
        this.threads = draft.threads;
        this.proxyHeader = draft.proxyHeader;
        this.tls = draft.tls;
        this.serverPid = draft.serverPid;
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "connection count " + connections + " is out of range 1-" + MAX_CONNECTIONS);
        }
        if (size < 1 || size > Sizes.MAX_READ_BUFFER) {
            throw new IllegalArgumentException("message size " + size + " is out of range 1-" + Sizes.MAX_READ_BUFFER);
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup " + warmup + " is negative");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate " + rate + " is negative");
        }
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new IllegalArgumentException("thread count " + threads + " is out of range 1-" + MAX_THREADS);
        }
    }

    private static Duration checkPositive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " " + value + " must be positive");
        }
        return value;
    }

    /**
     * Pingpong over one connection to {@code tcp://127.0.0.1:8090} on the best transport: 64-byte messages, as fast as
     * the echoes come, for a 10 s window after 1 s of warmup; 5 s for a connect or an echo before the connection counts
     * as stalled, 200 ms before a datagram counts as lost; one event-loop thread per core, at most one per connection;
     * plain text, no PROXY header.
     *
     * @return the default configuration
     */
    public static BenchConfig defaults() {
        Draft draft = new Draft();
        draft.mode = Mode.PINGPONG;
        draft.endpoint = Endpoint.DEFAULT;
        draft.io = Io.AUTO;
        draft.socketOptions = List.of();
        draft.connections = 1;
        draft.size = 64;
        draft.duration = Duration.ofSeconds(10);
        draft.warmup = Duration.ofSeconds(1);
        draft.timeout = Duration.ofSeconds(5);
        draft.datagramTimeout = Duration.ofMillis(200);
        return new BenchConfig(draft);
    }

    /**
     * The largest message a socket of {@code kind} carries whole: a UDP payload (65,507 bytes), the largest Unix
     * datagram this OS sends, or on stream sockets 64 MiB.
     *
     * @param kind the endpoint's kind of socket
     * @return the largest {@link #size()} for it
     */
    public static int maxSize(SocketKind kind) {
        return switch (kind) {
            case UDP -> DatagramLimits.MAX_UDP_PAYLOAD;
            case UNIXGRAM -> DatagramLimits.maxUnixDatagram();
            default -> Sizes.MAX_READ_BUFFER;
        };
    }

    /**
     * Checks what cannot be checked value by value: only pingpong runs on datagram sockets and only pingpong is paced,
     * TLS and a PROXY header need a stream socket, the message must fit the socket, and each socket option must apply
     * to it.
     *
     * @return this configuration
     * @throws IllegalArgumentException saying what does not fit
     */
    public BenchConfig validate() {
        SocketKind kind = endpoint.kind();
        if (kind.isDatagram() && mode != Mode.PINGPONG) {
            throw new IllegalArgumentException("mode " + mode.id() + " needs a stream endpoint (tcp:// or unix://); "
                    + kind.scheme() + " endpoints run pingpong with datagrams");
        }
        if (proxyHeader != null && kind.isDatagram()) {
            throw new IllegalArgumentException(
                    "a PROXY header applies to stream sockets (tcp, unix), not " + kind.scheme());
        }
        if (rate > 0 && mode != Mode.PINGPONG) {
            throw new IllegalArgumentException("a rate applies to mode pingpong, not " + mode.id());
        }
        if (tls().isPresent() && kind.isDatagram()) {
            throw new IllegalArgumentException("TLS needs a stream endpoint (tcp://, tls://, unix://), not "
                    + kind.scheme() + "; DTLS for datagram sockets is not offered");
        }
        if (size > maxSize(kind)) {
            throw new IllegalArgumentException(
                    "message size " + size + " is out of range 1-" + maxSize(kind) + " on " + kind.scheme());
        }
        SocketSetting.checkKinds(socketOptions, kind);
        return this;
    }

    /** {@return what each connection does} */
    public Mode mode() {
        return mode;
    }

    /** {@return the echo server} */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@return the transport choice} */
    public Io io() {
        return io;
    }

    /** {@return the socket options set on every connection} */
    public List<SocketSetting> socketOptions() {
        return socketOptions;
    }

    /** {@return the connections (datagram sockets) driven at once; for connrate, connect loops} */
    public int connections() {
        return connections;
    }

    /** {@return bytes per message (stream mode: per write)} */
    public int size() {
        return size;
    }

    /** {@return the measured window} */
    public Duration duration() {
        return duration;
    }

    /** {@return how long the load runs before the window, not counted} */
    public Duration warmup() {
        return warmup;
    }

    /** {@return total messages per second across all connections, each on a fixed schedule; 0 for unpaced} */
    public int rate() {
        return rate;
    }

    /** {@return the longest connect, and the longest wait for data before a connection counts as stalled} */
    public Duration timeout() {
        return timeout;
    }

    /** {@return how long a datagram's echo may take before the datagram counts as lost} */
    public Duration datagramTimeout() {
        return datagramTimeout;
    }

    /** {@return event-loop threads: as set, or one per core and at most one per connection} */
    public int threads() {
        return threads != null ? threads : Math.min(Runtime.getRuntime().availableProcessors(), connections);
    }

    /**
     * {@return the process whose CPU time the report divides the work by ({@link BenchReport#opsPerServerCpuSecond()}),
     * if one was given}
     */
    public OptionalLong serverPid() {
        return serverPid > 0 ? OptionalLong.of(serverPid) : OptionalLong.empty();
    }

    /** {@return the PROXY protocol header each stream connection writes first, as HAProxy would for it; if any} */
    public Optional<ProxyVersion> proxyHeader() {
        return Optional.ofNullable(proxyHeader);
    }

    /**
     * {@return how every connection speaks TLS, if it does}: as set with {@link #withTls}, or {@link
     * TlsConfig#client()} for a {@code tls://} endpoint
     */
    public Optional<TlsConfig> tls() {
        if (tls == null && endpoint.isTls()) {
            return Optional.of(TlsConfig.client());
        }
        return Optional.ofNullable(tls);
    }

    /**
     * A copy in which each connection does {@code newMode}.
     *
     * @param newMode pingpong, stream or connrate
     * @return the copy
     */
    public BenchConfig withMode(Mode newMode) {
        return edit(draft -> draft.mode = newMode);
    }

    /**
     * A copy that loads {@code newEndpoint}.
     *
     * @param newEndpoint the echo server
     * @return the copy
     */
    public BenchConfig withEndpoint(Endpoint newEndpoint) {
        return edit(draft -> draft.endpoint = newEndpoint);
    }

    /**
     * A copy on {@code newIo}.
     *
     * @param newIo which transport carries the connections
     * @return the copy
     */
    public BenchConfig withIo(Io newIo) {
        return edit(draft -> draft.io = newIo);
    }

    /**
     * A copy that also sets {@code setting} on every connection (a later setting of the same option wins).
     *
     * @param setting the socket option and its value
     * @return the copy
     */
    public BenchConfig withSocketOption(SocketSetting setting) {
        Objects.requireNonNull(setting, "setting");
        return edit(draft -> {
            List<SocketSetting> more = new ArrayList<>(draft.socketOptions);
            more.removeIf(existing -> existing.name().equals(setting.name()));
            more.add(setting);
            draft.socketOptions = more;
        });
    }

    /**
     * A copy that drives {@code newConnections} connections at once.
     *
     * @param newConnections connections (datagram sockets, connect loops), 1 to {@link #MAX_CONNECTIONS}
     * @return the copy
     */
    public BenchConfig withConnections(int newConnections) {
        return edit(draft -> draft.connections = newConnections);
    }

    /**
     * A copy with messages of {@code newSize} bytes.
     *
     * @param newSize bytes per message, 1 to 64 MiB (on datagram sockets, see {@link #maxSize})
     * @return the copy
     */
    public BenchConfig withSize(int newSize) {
        return edit(draft -> draft.size = newSize);
    }

    /**
     * A copy whose measured window lasts {@code newDuration}.
     *
     * @param newDuration the window; positive
     * @return the copy
     */
    public BenchConfig withDuration(Duration newDuration) {
        return edit(draft -> draft.duration = newDuration);
    }

    /**
     * A copy that loads the server for {@code newWarmup} before the window.
     *
     * @param newWarmup the warmup; zero for none
     * @return the copy
     */
    public BenchConfig withWarmup(Duration newWarmup) {
        return edit(draft -> draft.warmup = newWarmup);
    }

    /**
     * A copy that sends {@code newRate} messages a second in total (pingpong only), each connection on a fixed,
     * staggered schedule; latency then runs from when each message was due, so a stalled server shows the wait of every
     * message it delayed (coordinated omission, corrected as wrk2 does).
     *
     * @param newRate messages per second across all connections; 0 for as fast as the echoes come
     * @return the copy
     */
    public BenchConfig withRate(int newRate) {
        return edit(draft -> draft.rate = newRate);
    }

    /**
     * A copy with {@code newTimeout} for each connect and each wait for an echo.
     *
     * @param newTimeout the longest connect or wait before a connection counts as stalled; positive
     * @return the copy
     */
    public BenchConfig withTimeout(Duration newTimeout) {
        return edit(draft -> draft.timeout = newTimeout);
    }

    /**
     * A copy in which a datagram whose echo takes longer than {@code newTimeout} counts as lost.
     *
     * @param newTimeout how long a datagram's echo may take; positive
     * @return the copy
     */
    public BenchConfig withDatagramTimeout(Duration newTimeout) {
        return edit(draft -> draft.datagramTimeout = newTimeout);
    }

    /**
     * A copy on {@code newThreads} event-loop threads.
     *
     * @param newThreads event-loop threads, 1 to {@link #MAX_THREADS}
     * @return the copy
     */
    public BenchConfig withThreads(int newThreads) {
        return edit(draft -> draft.threads = newThreads);
    }

    /**
     * A copy in which each stream connection (connrate: each cycle) begins with a PROXY protocol header of {@code
     * version}, as HAProxy would send for it, for a server that takes one.
     *
     * @param version v1 (text) or v2 (binary)
     * @return the copy
     */
    public BenchConfig withProxyHeader(ProxyVersion version) {
        Objects.requireNonNull(version, "version");
        return edit(draft -> draft.proxyHeader = version);
    }

    /**
     * A copy in which every connection speaks TLS as {@code config} says. Each connection's handshake is done before
     * the load starts; in connrate each cycle makes a full handshake (no session is resumed).
     *
     * @param config the client's TLS settings
     * @return the copy
     */
    public BenchConfig withTls(TlsConfig config) {
        Objects.requireNonNull(config, "config");
        return edit(draft -> draft.tls = config);
    }

    /**
     * A copy that also measures the CPU time of process {@code pid}, the server's (with the children it has waited
     * for), during the window, from {@code /proc/PID/stat}: the report then gives the work per server CPU-second, the
     * figure that compares servers fairly when the load generator, not the server, sets the pace (the harness's
     * measure, and how close a server comes to a floor such as a minimal C echo). Linux only.
     *
     * @param pid a process id, above 0
     * @return the copy
     * @throws IllegalArgumentException if {@code pid} is not positive, or there is no such process to read
     */
    public BenchConfig withServerPid(long pid) {
        if (pid < 1) {
            throw new IllegalArgumentException("process id " + pid + " is not positive");
        }
        if (ServerCpu.ticks(pid) < 0) {
            throw new IllegalArgumentException(
                    "no process " + pid + " whose CPU time can be read (" + ServerCpu.statFile(pid) + ")");
        }
        return edit(draft -> draft.serverPid = pid);
    }

    @Override
    public String toString() {
        return "BenchConfig[" + mode.id() + " " + endpoint + ", " + connections + " connections, " + size + " bytes, "
                + duration + " after " + warmup + (rate > 0 ? ", " + rate + "/s" : "") + "]";
    }

    private BenchConfig edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return new BenchConfig(draft);
    }

    /** The fields of a configuration being built or changed: one home for the copy every with-method makes. */
    private static final class Draft {
        Mode mode;
        Endpoint endpoint;
        Io io;
        List<SocketSetting> socketOptions;
        int connections;
        int size;
        Duration duration;
        Duration warmup;
        int rate;
        Duration timeout;
        Duration datagramTimeout;
        Integer threads;
        ProxyVersion proxyHeader;
        TlsConfig tls;
        long serverPid;

        Draft() {}

        Draft(BenchConfig from) {
            mode = from.mode;
            endpoint = from.endpoint;
            io = from.io;
            socketOptions = from.socketOptions;
            connections = from.connections;
            size = from.size;
            duration = from.duration;
            warmup = from.warmup;
            rate = from.rate;
            timeout = from.timeout;
            datagramTimeout = from.datagramTimeout;
            threads = from.threads;
            proxyHeader = from.proxyHeader;
            tls = from.tls;
            serverPid = from.serverPid;
        }
    }
}
