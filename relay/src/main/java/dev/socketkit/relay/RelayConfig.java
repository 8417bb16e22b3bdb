package dev.socketkit.relay;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.OpenFiles;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Everything a relay runs with: where it listens, where it forwards to, and how. Immutable: each {@code withX} returns
 * a changed copy; {@link #validate()} checks what no single value can tell (the two endpoints' families, TLS on a
 * datagram socket).
 *
 * <p>A {@code tls://} listen endpoint terminates TLS (with {@link TlsConfig#selfSigned()} unless {@link #withListenTls}
 * says otherwise), a {@code tls://} target originates it (with {@link TlsConfig#client()}: the system's trust store,
 * unless {@link #withTargetTls} says otherwise); the relay forwards plaintext between them.
 */
public final class RelayConfig {
    /** The default {@link #connectTimeout()}: 5 s, as the client's. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The default {@link #idleTimeout()}: 5 minutes, as {@code serve --idle-timeout}, so that a client that connects and
     * goes silent, or never reads, does not hold its connection to the target for ever.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /** The default {@link #sessionIdleTimeout()}: 60 s, between Linux conntrack's 30 s for one-way UDP and its 120 s. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** The default {@link #maxSessions()}: 1,024 client addresses at once, each holding one upstream socket. */
    public static final int DEFAULT_MAX_SESSIONS = 1024;

    /** The most datagram sessions a relay may hold: each is a file descriptor. */
    public static final int MAX_SESSIONS = 1 << 20;

    /** The most {@link #maxConnections()}. */
    public static final int MAX_CONNECTIONS = 10_000_000;

    /** The default {@link #tlsHandshakeTimeout()}: 10 s, as the server's. */
    public static final Duration DEFAULT_TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private Endpoint listen;
    private Endpoint target;
    private Io io = Io.AUTO;
    private int threads;
    private int bufferSize;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int maxSessions = DEFAULT_MAX_SESSIONS;
    private int maxConnections;
    private Duration tlsHandshakeTimeout = DEFAULT_TLS_HANDSHAKE_TIMEOUT;
    private Optional<TlsConfig> listenTls = Optional.empty();
    private Optional<TlsConfig> targetTls = Optional.empty();
    private List<Fault> faults = List.of();
    private OptionalLong seed = OptionalLong.empty();
    private List<SocketSetting> socketOptions = List.of();
    private Consumer<String> hexDump;
    private RelayListener listener = RelayListener.NONE;

    private RelayConfig(Endpoint listen, Endpoint target) {
        this.listen = Objects.requireNonNull(listen, "listen");
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * A relay from {@code listen} to {@code target}, with the defaults: the best transport, one event loop per core,
     * stream reads that size themselves up to 64 KiB, {@link #DEFAULT_CONNECT_TIMEOUT}, {@link
     * #DEFAULT_SESSION_IDLE_TIMEOUT}, {@link #DEFAULT_MAX_SESSIONS}, {@link #defaultMaxConnections()}, {@link
     * #DEFAULT_TLS_HANDSHAKE_TIMEOUT}.
     *
     * @param listen where clients connect (or send datagrams) to the relay
     * @param target where the relay forwards each connection (or client's datagrams) to
     * @return the configuration
     */
    public static RelayConfig of(Endpoint listen, Endpoint target) {
        RelayConfig config = new RelayConfig(listen, target);
        config.maxConnections = defaultMaxConnections(); // once: it counts the descriptors open now
        return config;
    }

    private RelayConfig copy() {
        RelayConfig copy = new RelayConfig(listen, target);
        copy.io = io;
        copy.threads = threads;
        copy.bufferSize = bufferSize;
        copy.connectTimeout = connectTimeout;
        copy.sessionIdleTimeout = sessionIdleTimeout;
        copy.idleTimeout = idleTimeout;
        copy.maxSessions = maxSessions;
        copy.maxConnections = maxConnections;
        copy.tlsHandshakeTimeout = tlsHandshakeTimeout;
        copy.listenTls = listenTls;
        copy.targetTls = targetTls;
        copy.faults = faults;
        copy.seed = seed;
        copy.socketOptions = socketOptions;
        copy.hexDump = hexDump;
        copy.listener = listener;
        return copy;
    }

    /**
     * Checks what the {@code withX} methods cannot check one value at a time.
     *
     * @return this configuration
     * @throws IllegalArgumentException naming what does not fit: a target of the other family (stream and datagram),
     *     TLS on a datagram socket
     */
    public RelayConfig validate() {
        if (listen.kind().isStream() != target.kind().isStream()) {
            throw new IllegalArgumentException("cannot relay " + family(listen) + " " + listen + " to "
                    + family(target) + " " + target + ": a relay joins sockets of one family, stream to stream (tcp,"
                    + " tls, unix) or datagram to datagram (udp, unixgram)");
        }
        SocketSetting.checkKinds(socketOptions, listen.kind());
        SocketSetting.checkKinds(socketOptions, target.kind());
        checkStreamForTls("listen", listen, listenTls);
        checkStreamForTls("target", target, targetTls);
        Faults.check(this); // each fault of this kind, no two of one name
        return this;
    }

    private static String family(Endpoint endpoint) {
        return endpoint.kind().isStream() ? "the stream socket" : "the datagram socket";
    }

    private static void checkStreamForTls(String side, Endpoint endpoint, Optional<TlsConfig> tls) {
        if (tls.isPresent() && endpoint.kind().isDatagram()) {
            throw new IllegalArgumentException("TLS on the " + side + " side needs a stream endpoint (tcp://, tls://,"
                    + " unix://), not " + endpoint.kind().scheme() + "; DTLS for datagram sockets is not offered");
        }
    }

    /** {@return where clients connect to the relay} */
    public Endpoint listen() {
        return listen;
    }

    /** {@return where the relay forwards to} */
    public Endpoint target() {
        return target;
    }

    /** {@return which transport carries both sides} */
    public Io io() {
        return io;
    }

    /** {@return event-loop threads for stream relays; 0 for one per core (a datagram relay always uses one)} */
    public int threads() {
        return threads;
    }

    /** {@return the socket options set on both sides: each accepted connection (or the listening socket) and each one to the target} */
    public List<SocketSetting> socketOptions() {
        return socketOptions;
    }

    /** {@return the most bytes one read returns; 0 for automatic} */
    public int bufferSize() {
        return bufferSize;
    }

    /** {@return how long a connect to the target may take, a TLS handshake included} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return how long a stream connection may go with nothing read from or written to its client; zero for ever} */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** {@return how long a datagram session may go with no datagram either way before it ends} */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** {@return the most datagram sessions (client addresses) held at once} */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * {@return the most stream connections relayed at once} One more is closed as soon as it is accepted, counted in
     * {@link RelayStats#connectionsRefused()} and logged: the relay never connects to the target for it. The default
     * is {@link #defaultMaxConnections()}.
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * The default {@link #maxConnections()}: half of what the process's open-file limit leaves, less the descriptors
     * open already and 64 more, since each relayed connection holds two (its client's and the target's), as
     * {@code serve}'s default holds one per connection. A flood of connections is then refused one by one, counted,
     * before accepting or connecting to the target runs out of descriptors. 10,000 where the JVM cannot say.
     *
     * @return the limit, at least 1
     */
    public static int defaultMaxConnections() {
        return OpenFiles.connectionBudget(2, MAX_CONNECTIONS);
    }

    /** {@return how long a client's TLS handshake with a TLS-terminating relay may take; zero for no limit} */
    public Duration tlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    /**
     * {@return the TLS the relay speaks with its clients, if any}: as set with {@link #withListenTls}, or a self-signed
     * certificate for a {@code tls://} listen endpoint
     */
    public Optional<TlsConfig> effectiveListenTls() {
        return listenTls.isEmpty() && listen.isTls() ? Optional.of(TlsConfig.selfSigned()) : listenTls;
    }

    /**
     * {@return the TLS the relay speaks with its target, if any}: as set with {@link #withTargetTls}, or {@link
     * TlsConfig#client()} for a {@code tls://} target
     */
    public Optional<TlsConfig> effectiveTargetTls() {
        return targetTls.isEmpty() && target.isTls() ? Optional.of(TlsConfig.client()) : targetTls;
    }

    /**
     * A copy on transport {@code newIo}; both sides use it, so that each connection's two channels share one event loop.
     *
     * @param newIo the transport choice
     * @return the changed copy
     */
    public RelayConfig withIo(Io newIo) {
        RelayConfig copy = copy();
        copy.io = Objects.requireNonNull(newIo, "io");
        return copy;
    }

    /**
     * A copy with {@code newThreads} event-loop threads for a stream relay.
     *
     * @param newThreads 1 to 1,024; 0 for one per core
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public RelayConfig withThreads(int newThreads) {
        if (newThreads < 0 || newThreads > 1024) {
            throw new IllegalArgumentException("threads " + newThreads + " is out of range 1-1024");
        }
        RelayConfig copy = copy();
        copy.threads = newThreads;
        return copy;
    }

    /**
     * A copy whose reads return at most {@code newSize} bytes, as {@code recv(N)}; a longer datagram is cut.
     *
     * @param newSize 1 to 64 MiB; 0 for automatic (stream reads up to 64 KiB, datagram reads take any datagram whole)
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public RelayConfig withBufferSize(int newSize) {
        if (newSize < 0 || newSize > Sizes.MAX_READ_BUFFER) {
            throw new IllegalArgumentException(
                    "buffer size " + newSize + " is out of range 1-" + Sizes.MAX_READ_BUFFER);
        }
        RelayConfig copy = copy();
        copy.bufferSize = newSize;
        return copy;
    }

    /**
     * A copy that also sets {@code setting} on both sides' sockets; it must apply to both kinds.
     *
     * @param setting a socket option and its value
     * @return the changed copy
     */
    public RelayConfig withSocketOption(SocketSetting setting) {
        RelayConfig copy = copy();
        List<SocketSetting> all = new ArrayList<>(socketOptions);
        all.add(Objects.requireNonNull(setting, "setting"));
        copy.socketOptions = List.copyOf(all);
        return copy;
    }

    /**
     * A copy with connect timeout {@code newTimeout}.
     *
     * @param newTimeout how long a connect to the target may take, a TLS handshake included; positive
     * @return the changed copy
     * @throws IllegalArgumentException if not positive
     */
    public RelayConfig withConnectTimeout(Duration newTimeout) {
        RelayConfig copy = copy();
        copy.connectTimeout = positive("connect timeout", newTimeout);
        return copy;
    }

    /**
     * A copy that closes a stream connection (both its sides) once nothing has been read from or written to its
     * client for {@code newTimeout}: a write counts when the client has taken it, so a client that never reads is
     * idle too.
     *
     * @param newTimeout positive; zero for no limit
     * @return the changed copy
     * @throws IllegalArgumentException if negative
     */
    public RelayConfig withIdleTimeout(Duration newTimeout) {
        RelayConfig copy = copy();
        copy.idleTimeout = notNegative("idle timeout", newTimeout);
        return copy;
    }

    /**
     * A copy whose datagram sessions end after {@code newTimeout} with no datagram either way.
     *
     * @param newTimeout positive
     * @return the changed copy
     * @throws IllegalArgumentException if not positive
     */
    public RelayConfig withSessionIdleTimeout(Duration newTimeout) {
        RelayConfig copy = copy();
        copy.sessionIdleTimeout = positive("session idle timeout", newTimeout);
        return copy;
    }

    /**
     * A copy that holds at most {@code newMax} datagram sessions at once; a datagram from a new client address while
     * the table is full is dropped (and counted) until a session expires.
     *
     * @param newMax 1 to {@link #MAX_SESSIONS}
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public RelayConfig withMaxSessions(int newMax) {
        if (newMax < 1 || newMax > MAX_SESSIONS) {
            throw new IllegalArgumentException("max sessions " + newMax + " is out of range 1-" + MAX_SESSIONS);
        }
        RelayConfig copy = copy();
        copy.maxSessions = newMax;
        return copy;
    }

    /**
     * A copy that relays at most {@code newMax} stream connections at once.
     *
     * @param newMax 1 to {@link #MAX_CONNECTIONS}
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public RelayConfig withMaxConnections(int newMax) {
        if (newMax < 1 || newMax > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connection limit " + newMax + " is out of range 1-" + MAX_CONNECTIONS);
        }
        RelayConfig copy = copy();
        copy.maxConnections = newMax;
        return copy;
    }

    /**
     * A copy with TLS handshake timeout {@code newTimeout} for clients of a TLS-terminating relay.
     *
     * @param newTimeout positive; zero for none
     * @return the changed copy
     * @throws IllegalArgumentException if negative
     */
    public RelayConfig withTlsHandshakeTimeout(Duration newTimeout) {
        RelayConfig copy = copy();
        copy.tlsHandshakeTimeout = notNegative("TLS handshake timeout", newTimeout);
        return copy;
    }

    /**
     * A copy that terminates TLS: clients speak TLS to the relay, which presents {@code config}'s certificate.
     *
     * @param config a server's TLS settings
     * @return the changed copy
     */
    public RelayConfig withListenTls(TlsConfig config) {
        RelayConfig copy = copy();
        copy.listenTls = Optional.of(config);
        return copy;
    }

    /**
     * A copy that originates TLS: the relay speaks TLS to the target, trusting as {@code config} says.
     *
     * @param config a client's TLS settings
     * @return the changed copy
     */
    public RelayConfig withTargetTls(TlsConfig config) {
        RelayConfig copy = copy();
        copy.targetTls = Optional.of(config);
        return copy;
    }

    /** {@return the faults the relay starts with; {@link Relay#faults()} changes them while it runs} */
    public List<Fault> faults() {
        return faults;
    }

    /** {@return the seed every random choice of the faults derives from; empty: a random one, logged at start} */
    public OptionalLong seed() {
        return seed;
    }

    /**
     * A copy that starts with these faults (and no others). {@link #validate()} checks that each applies to the
     * listen endpoint's kind and that no two share a name.
     *
     * @param newFaults the faults, in the order they are added
     * @return the changed copy
     */
    public RelayConfig withFaults(Fault... newFaults) {
        RelayConfig copy = copy();
        copy.faults = List.of(newFaults);
        return copy;
    }

    /**
     * A copy whose faults make every random choice (jitter, slice sizes, toxicity, drops) from this seed, so that a run
     * replays exactly.
     *
     * @param newSeed any value
     * @return the changed copy
     */
    public RelayConfig withSeed(long newSeed) {
        RelayConfig copy = copy();
        copy.seed = OptionalLong.of(newSeed);
        return copy;
    }

    /**
     * A copy that sends every chunk read and written on both sides, and every datagram, to {@code sink} as a hex dump
     * (socat's {@code -x}, as {@code --hexdump}), under a header line naming the direction and both ends. Dumps show
     * the bytes as the relay sees them: after TLS, and what it writes after the faults.
     *
     * @param sink takes each dump, header and all; called from every event loop, so it must be thread-safe
     * @return the changed copy
     */
    public RelayConfig withHexDump(Consumer<String> sink) {
        RelayConfig copy = copy();
        copy.hexDump = Objects.requireNonNull(sink, "sink");
        return copy;
    }

    /** {@return where {@link #withHexDump} sends hex dumps, if it was set} */
    public Optional<Consumer<String>> hexDump() {
        return Optional.ofNullable(hexDump);
    }

    /**
     * A copy that tells {@code newListener} of every connection and datagram session opened and closed, and every fault
     * that starts to apply to one ({@code --events}). It is called on the event loops: it must not block.
     *
     * @param newListener the listener; {@link RelayListener#NONE} for none
     * @return the changed copy
     */
    public RelayConfig withListener(RelayListener newListener) {
        RelayConfig copy = copy();
        copy.listener = Objects.requireNonNull(newListener, "listener");
        return copy;
    }

    /** {@return the listener {@link #withListener} set, or {@link RelayListener#NONE}} */
    public RelayListener listener() {
        return listener;
    }

    /**
     * A copy that listens at {@code newListen} and forwards to {@code newTarget}, every other setting kept (hex dump,
     * listener, options and timeouts included); TLS settings only for a side that is still TLS. For the API's proxies,
     * which move without losing what they were started with.
     */
    RelayConfig retargeted(Endpoint newListen, Endpoint newTarget) {
        RelayConfig copy = copy();
        copy.listen = Objects.requireNonNull(newListen, "listen");
        copy.target = Objects.requireNonNull(newTarget, "target");
        if (!newListen.isTls() || !listen.isTls()) {
            copy.listenTls = Optional.empty();
        }
        if (!newTarget.isTls() || !target.isTls()) {
            copy.targetTls = Optional.empty();
        }
        return copy;
    }

    private static Duration notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " " + value + " is negative");
        }
        return value;
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " " + value + " must be positive");
        }
        return value;
    }

    @Override
    public String toString() {
        return "relay " + listen + " -> " + target;
    }
}
