package dev.socketkit.server;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.Durations;
import dev.socketkit.transport.internal.OpenFiles;
import dev.socketkit.transport.internal.Sizes;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Everything a server is started with: the same choices {@code socketkit serve} offers, and a handler of its own.
 * Immutable: each {@code withX} returns a changed copy, so one base configuration can be shared and varied freely.
 * Values are checked as they are set; {@link #validate()} checks how they fit together.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.defaults()
 *         .withKind(ServerKind.WELCOME)
 *         .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))
 *         .withFraming(Framing.line(8192));
 * }</pre>
 */
public final class ServerConfig {
    /** The {@link #bufferSize()} that lets reads size themselves. */
    public static final int AUTO_BUFFER_SIZE = 0;

    /** The largest {@link #bufferSize()}: 64 MiB. */
    public static final int MAX_BUFFER_SIZE = Sizes.MAX_READ_BUFFER;

    /** A timeout of this length is off. */
    public static final Duration NO_TIMEOUT = Duration.ZERO;

    /** The {@link #datagramRate()} that sets no limit. */
    public static final int UNLIMITED_DATAGRAM_RATE = 0;

    /** The {@link #datagramRate()} of a server bound to an address other than loopback, unless set: 1,000 a second. */
    public static final int DEFAULT_DATAGRAM_RATE = 1000;

    /** The largest {@link #maxConnections()}. */
    public static final int MAX_CONNECTIONS = 10_000_000;

    /**
     * File descriptors the default {@link #maxConnections()} leaves free beyond those open when it is computed: for the
     * event loops' epoll and wake-up descriptors, the listening socket, jars loaded later, log files.
     */
    public static final int RESERVED_DESCRIPTORS = OpenFiles.RESERVED;

    /** The default {@link #shutdownTimeout()} in milliseconds: 1.5 s for open connections to finish when it stops. */
    public static final int DEFAULT_SHUTDOWN_MILLIS = 1500;

    /** The most {@link #listeners()}. */
    public static final int MAX_LISTENERS = 1024;

    private final ServerKind kind;
    private final ServerHandler handler;
    private final Endpoint endpoint;
    private final Framing framing;
    private final Io io;
    private final int backlog;
    private final int bufferSize;
    private final int threads;
    private final List<SocketSetting> socketOptions;
    private final String greeting;
    private final String dataPrefix;
    private final String replyText;
    private final Duration shutdownTimeout;
    private final ServerListener listener;
    private final Duration idleTimeout;
    private final Duration frameTimeout;
    private final Duration writeTimeout;
    private final int maxConnections;
    private final Integer datagramRate;
    private final Boolean amplificationLimit;
    private final Integer unixMode;
    private final TlsConfig tls;
    private final boolean proxyProtocol;
    private final Duration proxyHeaderTimeout;
    private final Duration drainDelay;
    private final int listeners;
    private final Duration tlsHandshakeTimeout;
    private final Consumer<String> hexDump;
    private final boolean receiveOnly;

    private ServerConfig(Draft draft) {
        this.kind = Objects.requireNonNull(draft.kind, "kind");
        this.handler = draft.handler;
        this.endpoint = Objects.requireNonNull(draft.endpoint, "endpoint");
        this.framing = Objects.requireNonNull(draft.framing, "framing");
        this.io = Objects.requireNonNull(draft.io, "io");
        this.greeting = Objects.requireNonNull(draft.greeting, "greeting");
        this.dataPrefix = Objects.requireNonNull(draft.dataPrefix, "dataPrefix");
        this.replyText = Objects.requireNonNull(draft.replyText, "replyText");
        this.shutdownTimeout = Objects.requireNonNull(draft.shutdownTimeout, "shutdownTimeout");
        this.listener = Objects.requireNonNull(draft.listener, "listener");
        this.socketOptions = List.copyOf(draft.socketOptions);
        this.backlog = draft.backlog;
        this.bufferSize = draft.bufferSize;
        this.threads = draft.threads;
        this.idleTimeout = checkTimeout("idle timeout", draft.idleTimeout);
        this.frameTimeout = checkTimeout("frame timeout", draft.frameTimeout);
        this.writeTimeout = checkTimeout("write timeout", draft.writeTimeout);
        this.maxConnections = draft.maxConnections;
        this.datagramRate = draft.datagramRate;
        this.amplificationLimit = draft.amplificationLimit;
        this.unixMode = draft.unixMode;
        this.tls = draft.tls;
        this.proxyProtocol = draft.proxyProtocol;
        this.proxyHeaderTimeout = checkTimeout("PROXY header timeout", draft.proxyHeaderTimeout);
        this.drainDelay = checkTimeout("drain delay", draft.drainDelay);
        this.listeners = draft.listeners;
        if (listeners < 1 || listeners > MAX_LISTENERS) {
            throw new IllegalArgumentException("listener count " + listeners + " is out of range 1-" + MAX_LISTENERS);
        }
        this.tlsHandshakeTimeout = checkTimeout("TLS handshake timeout", draft.tlsHandshakeTimeout);
        this.hexDump = draft.hexDump;
        this.receiveOnly = draft.receiveOnly;
        if (unixMode != null && (unixMode < 0 || unixMode > 0777)) {
            throw new IllegalArgumentException(
                    "unix socket mode " + Integer.toOctalString(unixMode) + " is out of range 0-777 (octal)");
        }
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "connection limit " + maxConnections + " is out of range 1-" + MAX_CONNECTIONS);
        }
        if (datagramRate != null && datagramRate < 0) {
            throw new IllegalArgumentException("datagram rate " + datagramRate + " is negative");
        }
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog " + backlog + " is negative");
        }
        if (bufferSize < 0 || bufferSize > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("buffer size " + bufferSize + " is out of range 1-" + MAX_BUFFER_SIZE);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("thread count " + threads + " is out of range 1-1024");
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdown timeout " + shutdownTimeout + " is negative");
        }
    }

    private static Duration checkTimeout(String what, Duration timeout) {
        Objects.requireNonNull(timeout, what);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(what + " " + timeout + " is negative");
        }
        return timeout;
    }

    /**
     * An echo server on {@code tcp://127.0.0.1:8090}, raw framing, the best transport, the system's listen backlog,
     * one event-loop thread per core, the tutorial's texts, and at most 1.5 s to finish pending writes on close.
     *
     * <p>Protected as HAProxy and inetd protect their servers, wherever that cannot hurt a well-behaved peer: a stream
     * connection closes after 5 minutes without traffic, 30 seconds inside one frame, or 30 seconds unable to take
     * writes, and a TLS connection whose handshake is not done within 10 seconds; at most {@link
     * #defaultMaxConnections()} are open at once; datagrams that could start a loop between
     * servers are never answered, and off loopback each source gets 1,000 answers a second and at most three times the
     * bytes it sent.
     *
     * @return the default configuration
     */
    public static ServerConfig defaults() {
        Draft draft = new Draft();
        draft.kind = ServerKind.ECHO;
        draft.endpoint = Endpoint.DEFAULT;
        draft.framing = Framing.raw();
        draft.io = Io.AUTO;
        draft.backlog = NetUtil.SOMAXCONN;
        draft.bufferSize = AUTO_BUFFER_SIZE;
        draft.threads = Runtime.getRuntime().availableProcessors();
        draft.socketOptions = List.of();
        draft.greeting = "Welcome to the server";
        draft.dataPrefix = "Data received:";
        draft.replyText = "Thanks for connecting";
        draft.shutdownTimeout = Duration.ofMillis(DEFAULT_SHUTDOWN_MILLIS);
        draft.drainDelay = Duration.ZERO;
        draft.listeners = 1;
        draft.listener = ServerListener.NONE;
        draft.idleTimeout = Duration.ofMinutes(5);
        draft.frameTimeout = Duration.ofSeconds(30);
        draft.writeTimeout = Duration.ofSeconds(30);
        draft.maxConnections = defaultMaxConnections();
        draft.proxyHeaderTimeout = Duration.ofSeconds(5);
        draft.tlsHandshakeTimeout = Duration.ofSeconds(10);
        return new ServerConfig(draft);
    }

    /**
     * Checks what cannot be checked value by value: framing and the PROXY protocol apply to stream sockets only, a
     * socket file mode to Unix sockets only, and each socket option to the endpoint's kind of socket.
     *
     * @return this configuration
     * @throws IllegalArgumentException saying what does not fit
     */
    public ServerConfig validate() {
        framing.checkApplies(endpoint.kind().isDatagram(), endpoint.kind().scheme());
        if (unixMode != null && !endpoint.kind().isUnix()) {
            throw new IllegalArgumentException("a socket file mode applies to unix and unixgram sockets, not "
                    + endpoint.kind().scheme());
        }
        SocketSetting.checkKinds(socketOptions, endpoint.kind());
        if (listeners > 1 && endpoint.kind().isUnix()) {
            throw new IllegalArgumentException("several listeners share one port through SO_REUSEPORT, which "
                    + endpoint.kind().scheme() + " sockets do not have; use tcp or udp");
        }
        if (proxyProtocol && endpoint.kind().isDatagram()) {
            throw new IllegalArgumentException("the PROXY protocol applies to stream sockets (tcp, unix), not "
                    + endpoint.kind().scheme());
        }
        if (tls != null) {
            if (endpoint.kind().isDatagram()) {
                throw new IllegalArgumentException("TLS needs a stream endpoint (tcp://, tls://, unix://), not "
                        + endpoint.kind().scheme() + "; DTLS for datagram sockets is not offered");
            }
            if (tls.privateKey().isEmpty() && !tls.isSelfSigned()) {
                throw new IllegalArgumentException("a TLS server needs a certificate and key (PEM files, PEM text or"
                        + " a key store), or TlsConfig.selfSigned()");
            }
        }
        return this;
    }

    /** {@return which built-in server runs when no {@link #handler()} is set} */
    public ServerKind kind() {
        return kind;
    }

    /**
     * {@return the handler set with {@code withHandler}, if any} Without one the {@link #kind()}'s built-in handler
     * runs.
     */
    public Optional<ServerHandler> handler() {
        return Optional.ofNullable(handler);
    }

    /** {@return where the server listens; port 0 asks for any free port} */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@return how the byte stream is cut into frames (stream sockets only; datagrams are frames already)} */
    public Framing framing() {
        return framing;
    }

    /** {@return which transport carries the sockets} */
    public Io io() {
        return io;
    }

    /** {@return the listen backlog of stream servers, {@code listen(N)} in the tutorial} */
    public int backlog() {
        return backlog;
    }

    /**
     * {@return the most bytes one read returns, as {@code recv(N)}} {@link #AUTO_BUFFER_SIZE} lets stream reads size
     * themselves up to 64 KiB and datagram reads take the largest datagram whole.
     */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * {@return the event-loop threads of a stream server with one listener (a datagram server has one socket and uses
     * one)} A server with several {@link #listeners()} runs one event loop for each instead.
     */
    public int threads() {
        return threads;
    }

    /** {@return the options set on the sockets, the tutorial's {@code setsockopt}} */
    public List<SocketSetting> socketOptions() {
        return socketOptions;
    }

    /** {@return what {@code welcome} sends on each new connection} */
    public String greeting() {
        return greeting;
    }

    /** {@return what {@code welcome} puts before each frame it answers} */
    public String dataPrefix() {
        return dataPrefix;
    }

    /** {@return what {@code reply} answers} */
    public String replyText() {
        return replyText;
    }

    /**
     * {@return how long {@link Server#close()} lets open connections finish, once its listeners are closed: pending
     * writes and running blocking handlers; what is still open then is closed} {@value #DEFAULT_SHUTDOWN_MILLIS} ms
     * unless set ({@code socketkit serve --drain-timeout}).
     */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * {@return how long {@link Server#close()} keeps the listeners open, accepting and serving as before, before it
     * closes them} Zero unless set. Under an orchestrator that stops sending new clients only some time after it asked
     * the server to stop (a Kubernetes Service removes a terminating pod from its endpoints a few seconds later), a
     * delay longer than that time turns none of those late clients away. {@link Server#isClosed()} is true for the
     * whole delay, so a readiness check says the server is going.
     */
    public Duration drainDelay() {
        return drainDelay;
    }

    /**
     * {@return how many sockets the server binds to its one address with {@code SO_REUSEPORT}, each on an event loop
     * of its own} 1 unless set. With more than one, the kernel spreads new connections (and, for UDP, datagram sources)
     * over the sockets by a hash of their addresses, so accepting and reading datagrams run on as many cores; each
     * socket's connections stay on its event loop. Linux only: epoll and io_uring; not on Unix sockets.
     */
    public int listeners() {
        return listeners;
    }

    /** {@return the hooks called as connections open, close and fail} */
    public ServerListener listener() {
        return listener;
    }

    /**
     * Whether a listener was set: only then is each connection numbered and its end recorded ({@link
     * ConnectionTotals}), so a server without one pays nothing per connection for them.
     */
    boolean hasListener() {
        return listener != ServerListener.NONE;
    }

    /**
     * {@return how long a stream connection may read and write nothing before it is closed; {@link #NO_TIMEOUT} for
     * ever}
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * {@return how long a frame that has begun may take to complete before its connection is closed; {@link
     * #NO_TIMEOUT} for ever} Applies to framings with a decoder (not raw, where every read is a whole frame). It stops
     * a peer that sends a byte now and then and never a whole frame, which no idle timeout catches.
     */
    public Duration frameTimeout() {
        return frameTimeout;
    }

    /**
     * {@return how long a peer may keep a stream connection unable to take writes before it is closed; {@link
     * #NO_TIMEOUT} for ever} A connection is unable to take writes while more than the write buffer's high-water mark
     * (64 KiB) waits for the peer to read, and able again below its low-water mark (32 KiB): a peer must read 32 KiB
     * within this time, or not send what it will not read.
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * {@return the most stream connections open at once} One more is closed as soon as it is accepted, so it does not
     * wait in the listen backlog. The default is {@link #defaultMaxConnections()}.
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * {@return the datagrams a second each source may send a datagram server and be answered; {@link
     * #UNLIMITED_DATAGRAM_RATE} for no limit} Unless set, {@link #DEFAULT_DATAGRAM_RATE} on an address other than
     * loopback, and no limit on loopback and Unix datagram sockets, which no other host can reach: benchmarks and tests
     * there are not throttled. Each source has a bucket of that many datagrams that refills at that rate; the server
     * remembers the 10,000 sources seen last, so a flood from forged sources cannot grow its memory.
     */
    public int datagramRate() {
        if (datagramRate != null) {
            return datagramRate;
        }
        return isLocalOnly() ? UNLIMITED_DATAGRAM_RATE : DEFAULT_DATAGRAM_RATE;
    }

    /**
     * {@return whether a datagram server sends each source at most three times the bytes it sent} Such a cap (RFC 9000
     * §8.1) keeps a server from amplifying a flood that forged its victim's address: echo never exceeds it, {@code
     * welcome} and {@code reply} answers to tiny datagrams do. Unless set, on wherever other hosts can reach the
     * server, and off on loopback and Unix sockets.
     */
    public boolean amplificationLimit() {
        return amplificationLimit != null ? amplificationLimit : !isLocalOnly();
    }

    /**
     * {@return the permission bits of a Unix server's socket file, if set} Unless set, the file has what the umask
     * gives, as for any Unix server. When set, the server binds to a temporary name beside the path, sets exactly this
     * mode and renames the file over the path, so that the socket is never visible there with a wider mode.
     */
    public OptionalInt unixMode() {
        return unixMode == null ? OptionalInt.empty() : OptionalInt.of(unixMode);
    }

    /**
     * {@return how the server speaks TLS, if it does} Set with {@link #withTls}; a {@code tls://} endpoint without it
     * means {@link TlsConfig#selfSigned()}. Every stream connection then begins with a TLS handshake, and the handlers
     * see the decrypted bytes exactly as over plain TCP; a client's {@code close_notify} ends its input as a FIN does.
     */
    public Optional<TlsConfig> tls() {
        if (tls == null && endpoint.isTls()) {
            return Optional.of(TlsConfig.selfSigned());
        }
        return Optional.ofNullable(tls);
    }

    /**
     * A copy that speaks TLS on every connection, with {@code config}'s certificate (or a self-signed one it makes at
     * start), client-certificate requirement, ALPN protocols and engine. Works on TCP and Unix stream endpoints. A
     * certificate and key read from files are read again when the files change: new connections get the new
     * certificate, open ones keep theirs.
     *
     * @param config the server's TLS settings: it must have an identity, or be {@link TlsConfig#selfSigned()}
     * @return the copy
     */
    public ServerConfig withTls(TlsConfig config) {
        Objects.requireNonNull(config, "config");
        return edit(draft -> draft.tls = config);
    }

    /**
     * {@return how long a TLS connection has to complete its handshake; {@link #NO_TIMEOUT} for ever} 10 seconds unless
     * set, as Netty's {@code SslHandler} has it: a client's handshake takes a round trip or two, so only a peer that
     * connects and sends nothing, sends part of its hello, or stops in the middle takes longer, holding a connection
     * (and a descriptor) it never uses. Such a connection is closed, counted as {@link Guard#TLS_FAILURE} and logged
     * with the other TLS failures. A connection's time starts once it is accepted (on a server that takes the PROXY
     * protocol, once its header is in), and stops mattering once the handshake is done. Only with {@link #tls()}.
     */
    public Duration tlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    /**
     * {@return whether every stream connection must begin with a PROXY protocol header, v1 or v2, as a proxy such as
     * HAProxy sends with {@code send-proxy} or {@code send-proxy-v2}} The client's address is then the header's: in
     * logs, in the {@link ServerListener}'s calls, in a blocking handler's {@link Request#peer()}, and to a handler of
     * one's own through {@link dev.socketkit.codec.ProxyProtocol#clientAddress}. A connection that does not
     * begin with a valid header within {@link #proxyHeaderTimeout()} is closed, counted as {@link Guard#PROXY_HEADER}.
     * Off by default. Anyone who can reach such a server can claim any address: only a trusted proxy may.
     */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    /**
     * {@return how long a connection to a server that takes the PROXY protocol has to send its whole header; {@link
     * #NO_TIMEOUT} for ever} 5 seconds unless set: a proxy sends its header as soon as it has connected, so only a
     * peer that is not the proxy takes longer.
     */
    public Duration proxyHeaderTimeout() {
        return proxyHeaderTimeout;
    }

    /**
     * Whether no other host can reach this server: a Unix socket, or a loopback address. Such a server is not limited
     * in datagram rate and amplification unless asked to be.
     */
    boolean isLocalOnly() {
        if (endpoint.kind().isUnix()) {
            return true;
        }
        var address = endpoint.inetSocketAddress().getAddress();
        return address != null && address.isLoopbackAddress();
    }

    /**
     * The default {@link #maxConnections()}: the process's open-file limit less the descriptors it has open already
     * (the JVM's jars among them) and {@value #RESERVED_DESCRIPTORS} more, as HAProxy derives its {@code maxconn} from
     * {@code ulimit -n}: connections are refused one by one, counted, before accepting runs out of descriptors. 10,000
     * where the JVM cannot say.
     *
     * @return the limit, at least 1
     */
    public static int defaultMaxConnections() {
        return OpenFiles.connectionBudget(1, MAX_CONNECTIONS);
    }

    /**
     * A copy that closes a stream connection once it has read and written nothing for {@code newIdleTimeout}.
     *
     * @param newIdleTimeout not negative; {@link #NO_TIMEOUT} for none
     * @return the copy
     */
    public ServerConfig withIdleTimeout(Duration newIdleTimeout) {
        return edit(draft -> draft.idleTimeout = newIdleTimeout);
    }

    /**
     * A copy that closes a stream connection whose frame has begun and is not complete within {@code newFrameTimeout}.
     *
     * @param newFrameTimeout not negative; {@link #NO_TIMEOUT} for none
     * @return the copy
     */
    public ServerConfig withFrameTimeout(Duration newFrameTimeout) {
        return edit(draft -> draft.frameTimeout = newFrameTimeout);
    }

    /**
     * A copy that closes a stream connection whose peer keeps it unable to take writes for {@code newWriteTimeout}.
     *
     * @param newWriteTimeout not negative; {@link #NO_TIMEOUT} for none
     * @return the copy
     */
    public ServerConfig withWriteTimeout(Duration newWriteTimeout) {
        return edit(draft -> draft.writeTimeout = newWriteTimeout);
    }

    /**
     * A copy whose stream connections must, or need not, begin with a PROXY protocol header; see {@link
     * #proxyProtocol()}.
     *
     * @param required whether every connection must begin with a header
     * @return the copy
     */
    public ServerConfig withProxyProtocol(boolean required) {
        return edit(draft -> draft.proxyProtocol = required);
    }

    /**
     * A copy that closes a connection whose PROXY header is not complete within {@code newTimeout} (when {@link
     * #proxyProtocol()} is on).
     *
     * @param newTimeout not negative; {@link #NO_TIMEOUT} for none
     * @return the copy
     */
    public ServerConfig withProxyHeaderTimeout(Duration newTimeout) {
        return edit(draft -> draft.proxyHeaderTimeout = newTimeout);
    }

    /**
     * A copy that closes a TLS connection whose handshake is not complete within {@code newTimeout} (when {@link
     * #tls()} is on); see {@link #tlsHandshakeTimeout()}.
     *
     * @param newTimeout not negative; {@link #NO_TIMEOUT} for none
     * @return the copy
     */
    public ServerConfig withTlsHandshakeTimeout(Duration newTimeout) {
        return edit(draft -> draft.tlsHandshakeTimeout = newTimeout);
    }

    /**
     * A copy that keeps at most {@code newMaxConnections} stream connections open.
     *
     * @param newMaxConnections 1 to {@link #MAX_CONNECTIONS}
     * @return the copy
     */
    public ServerConfig withMaxConnections(int newMaxConnections) {
        return edit(draft -> draft.maxConnections = newMaxConnections);
    }

    /**
     * A copy that answers each source at most {@code perSecond} datagrams a second, wherever it is bound.
     *
     * @param perSecond the limit; {@link #UNLIMITED_DATAGRAM_RATE} for none
     * @return the copy
     */
    public ServerConfig withDatagramRate(int perSecond) {
        return edit(draft -> draft.datagramRate = perSecond);
    }

    /**
     * A copy that limits what a datagram server sends each source to three times what it sent, or not, wherever it is
     * bound: on for a loopback server that a relay or NAT exposes to other hosts.
     *
     * @param limited whether to limit answers so
     * @return the copy
     */
    public ServerConfig withAmplificationLimit(boolean limited) {
        return edit(draft -> draft.amplificationLimit = limited);
    }

    /**
     * A copy whose Unix socket file has exactly {@code mode} (as {@code chmod} takes it: {@code 0600}, {@code 0660}),
     * and is never visible at its path with another.
     *
     * @param mode permission bits, 0 to 0777
     * @return the copy
     */
    public ServerConfig withUnixMode(int mode) {
        return edit(draft -> draft.unixMode = mode);
    }

    /**
     * A copy that dumps every chunk each connection reads and writes, and every datagram, in hex to {@code sink}, as
     * socat's {@code -x} does: one string per chunk, a header line (direction, local and remote end) and the dump, as
     * the application sees the bytes (after TLS, before framing).
     *
     * @param sink takes each dump; called from every event loop, so it must be thread-safe
     * @return the copy
     */
    public ServerConfig withHexDump(Consumer<String> sink) {
        Objects.requireNonNull(sink, "sink");
        return edit(draft -> draft.hexDump = sink);
    }

    /**
     * A copy for a datagram server that takes datagrams in and answers none of its own accord, a sink such as {@code
     * socketkit serve print}: every datagram reaches its handler, from a Unix socket that bound no path too, and over
     * the rate limit, both of which are there only so that answers cannot be turned against anyone. Whatever the
     * handler does send is still held to every limit on answers.
     *
     * @param sink whether the server only receives
     * @return the copy
     */
    public ServerConfig withReceiveOnly(boolean sink) {
        return edit(draft -> draft.receiveOnly = sink);
    }

    /** {@return whether {@link #withReceiveOnly} made this a datagram sink; false by default} */
    public boolean receiveOnly() {
        return receiveOnly;
    }

    /** {@return where {@link #withHexDump} sends hex dumps, if it was set} */
    public Optional<Consumer<String>> hexDump() {
        return Optional.ofNullable(hexDump);
    }

    /**
     * A copy that runs the built-in {@code newKind}, and no handler of its own.
     *
     * @param newKind the built-in server
     * @return the copy
     */
    public ServerConfig withKind(ServerKind newKind) {
        return edit(draft -> {
            draft.kind = newKind;
            draft.handler = null;
        });
    }

    /**
     * A copy whose connections are served by handlers from {@code factory}, event-loop style.
     *
     * @param factory makes the handler for each connection, or for a datagram server's socket
     * @return the copy
     */
    public ServerConfig withHandler(HandlerFactory factory) {
        Objects.requireNonNull(factory, "factory");
        return edit(draft -> draft.handler = factory);
    }

    /**
     * A copy whose connections (or datagrams) are served by {@code blockingHandler}, off the event loop.
     *
     * @param blockingHandler serves every connection or datagram, concurrently
     * @return the copy
     */
    public ServerConfig withHandler(BlockingHandler blockingHandler) {
        Objects.requireNonNull(blockingHandler, "blockingHandler");
        return edit(draft -> draft.handler = blockingHandler);
    }

    /**
     * A copy that listens on {@code newEndpoint}.
     *
     * @param newEndpoint where to listen; port 0 for any free port
     * @return the copy
     */
    public ServerConfig withEndpoint(Endpoint newEndpoint) {
        return edit(draft -> draft.endpoint = newEndpoint);
    }

    /**
     * A copy with {@code newFraming}.
     *
     * @param newFraming how the byte stream is cut into frames
     * @return the copy
     */
    public ServerConfig withFraming(Framing newFraming) {
        return edit(draft -> draft.framing = newFraming);
    }

    /**
     * A copy on {@code newIo}.
     *
     * @param newIo which transport carries the sockets
     * @return the copy
     */
    public ServerConfig withIo(Io newIo) {
        return edit(draft -> draft.io = newIo);
    }

    /**
     * A copy with listen backlog {@code newBacklog}.
     *
     * @param newBacklog the listen backlog; not negative
     * @return the copy
     */
    public ServerConfig withBacklog(int newBacklog) {
        return edit(draft -> draft.backlog = newBacklog);
    }

    /**
     * A copy whose reads return at most {@code newBufferSize} bytes.
     *
     * @param newBufferSize up to {@link #MAX_BUFFER_SIZE}; {@link #AUTO_BUFFER_SIZE} for automatic
     * @return the copy
     */
    public ServerConfig withBufferSize(int newBufferSize) {
        return edit(draft -> draft.bufferSize = newBufferSize);
    }

    /**
     * A copy with {@code newThreads} event-loop threads.
     *
     * @param newThreads 1 to 1024
     * @return the copy
     */
    public ServerConfig withThreads(int newThreads) {
        return edit(draft -> draft.threads = newThreads);
    }

    /**
     * A copy that also sets {@code setting} (a later setting of the same option wins).
     *
     * @param setting the socket option and its value
     * @return the copy
     */
    public ServerConfig withSocketOption(SocketSetting setting) {
        List<SocketSetting> more = new ArrayList<>(socketOptions);
        more.removeIf(existing -> existing.name().equals(setting.name()));
        more.add(setting);
        return edit(draft -> draft.socketOptions = more);
    }

    /**
     * A copy whose welcome server greets with {@code newGreeting}.
     *
     * @param newGreeting the greeting, sent in UTF-8
     * @return the copy
     */
    public ServerConfig withGreeting(String newGreeting) {
        return edit(draft -> draft.greeting = newGreeting);
    }

    /**
     * A copy whose welcome server prefixes answers with {@code newDataPrefix}.
     *
     * @param newDataPrefix the prefix, sent in UTF-8
     * @return the copy
     */
    public ServerConfig withDataPrefix(String newDataPrefix) {
        return edit(draft -> draft.dataPrefix = newDataPrefix);
    }

    /**
     * A copy whose reply server answers {@code newReplyText}.
     *
     * @param newReplyText the answer, sent in UTF-8
     * @return the copy
     */
    public ServerConfig withReplyText(String newReplyText) {
        return edit(draft -> draft.replyText = newReplyText);
    }

    /**
     * A copy whose {@link Server#close()} waits at most {@code newShutdownTimeout} for pending work.
     *
     * @param newShutdownTimeout how long to wait; not negative
     * @return the copy
     */
    public ServerConfig withShutdownTimeout(Duration newShutdownTimeout) {
        return edit(draft -> draft.shutdownTimeout = newShutdownTimeout);
    }

    /**
     * A copy whose {@link Server#close()} keeps accepting for {@code newDrainDelay} before it closes its listeners.
     *
     * @param newDrainDelay not negative; zero closes them at once
     * @return the copy
     */
    public ServerConfig withDrainDelay(Duration newDrainDelay) {
        return edit(draft -> draft.drainDelay = newDrainDelay);
    }

    /**
     * A copy that binds {@code count} sockets to its address with {@code SO_REUSEPORT}, one per event loop; see {@link
     * #listeners()}.
     *
     * @param count 1 to {@link #MAX_LISTENERS}
     * @return the copy
     */
    public ServerConfig withListeners(int count) {
        return edit(draft -> draft.listeners = count);
    }

    /**
     * A copy that calls {@code newListener}'s hooks (replacing any listener set before).
     *
     * @param newListener the hooks; {@link ServerListener#NONE} for none
     * @return the copy
     */
    public ServerConfig withListener(ServerListener newListener) {
        return edit(draft -> draft.listener = newListener);
    }

    /**
     * {@return the guards this configuration turns on, in words, for the line a server reachable from other hosts logs
     * at start: {@code idle timeout 5m, frame timeout 30s, write timeout 30s, at most 65472 connections}}
     */
    String describeGuards() {
        if (endpoint.kind().isDatagram()) {
            int rate = datagramRate();
            return "loop guard, "
                    + (rate == UNLIMITED_DATAGRAM_RATE ? "no rate limit" : rate + " datagrams a second per source")
                    + (!amplificationLimit()
                            ? ""
                            : ", answers at most " + DatagramSources.AMPLIFICATION_FACTOR
                                    + " times what each source sent");
        }
        StringBuilder guards = new StringBuilder();
        if (proxyProtocol) {
            guards.append("PROXY header within ")
                    .append(timeoutText(proxyHeaderTimeout))
                    .append(", ");
        }
        if (tls().isPresent()) {
            guards.append("TLS handshake within ")
                    .append(timeoutText(tlsHandshakeTimeout))
                    .append(", ");
        }
        guards.append("idle timeout ").append(timeoutText(idleTimeout));
        if (framing.kind() != Framing.Kind.RAW) {
            guards.append(", frame timeout ").append(timeoutText(frameTimeout));
        }
        guards.append(", write timeout ").append(timeoutText(writeTimeout));
        return guards.append(", at most ")
                .append(maxConnections)
                .append(" connections")
                .toString();
    }

    private static String timeoutText(Duration timeout) {
        return timeout.isZero() ? "none" : Durations.format(timeout);
    }

    /** What runs: the built-in kind, or that a handler of the given style was set. */
    String describeHandler() {
        if (handler instanceof BlockingHandler) {
            return "blocking-handler";
        }
        return handler != null ? "handler" : kind.id();
    }

    @Override
    public String toString() {
        return describeHandler() + " server on " + endpoint + " (framing " + framing + ", io " + io.id()
                + (tls().isPresent() ? ", tls" : "") + ")";
    }

    private ServerConfig edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return new ServerConfig(draft);
    }

    /** The mutable twin a copy is made from; never escapes this class. */
    private static final class Draft {
        ServerKind kind;
        ServerHandler handler;
        Endpoint endpoint;
        Framing framing;
        Io io;
        int backlog;
        int bufferSize;
        int threads;
        List<SocketSetting> socketOptions;
        String greeting;
        String dataPrefix;
        String replyText;
        Duration shutdownTimeout;
        ServerListener listener;
        Duration idleTimeout;
        Duration frameTimeout;
        Duration writeTimeout;
        int maxConnections;
        Integer datagramRate;
        Boolean amplificationLimit;
        Integer unixMode;
        TlsConfig tls;
        boolean proxyProtocol;
        Duration proxyHeaderTimeout;
        Duration drainDelay;
        int listeners;
        Duration tlsHandshakeTimeout;
        Consumer<String> hexDump;
        boolean receiveOnly;

        Draft() {}

        Draft(ServerConfig from) {
            kind = from.kind;
            handler = from.handler;
            endpoint = from.endpoint;
            framing = from.framing;
            io = from.io;
            backlog = from.backlog;
            bufferSize = from.bufferSize;
            threads = from.threads;
            socketOptions = from.socketOptions;
            greeting = from.greeting;
            dataPrefix = from.dataPrefix;
            replyText = from.replyText;
            shutdownTimeout = from.shutdownTimeout;
            listener = from.listener;
            idleTimeout = from.idleTimeout;
            frameTimeout = from.frameTimeout;
            writeTimeout = from.writeTimeout;
            maxConnections = from.maxConnections;
            datagramRate = from.datagramRate;
            amplificationLimit = from.amplificationLimit;
            unixMode = from.unixMode;
            tls = from.tls;
            proxyProtocol = from.proxyProtocol;
            proxyHeaderTimeout = from.proxyHeaderTimeout;
            drainDelay = from.drainDelay;
            listeners = from.listeners;
            tlsHandshakeTimeout = from.tlsHandshakeTimeout;
            hexDump = from.hexDump;
            receiveOnly = from.receiveOnly;
        }
    }
}
