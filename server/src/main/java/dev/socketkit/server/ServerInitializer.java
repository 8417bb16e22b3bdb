package dev.socketkit.server;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.DatagramReads;
import dev.socketkit.transport.internal.HexDump;
import dev.socketkit.transport.internal.ServerTls;
import dev.socketkit.transport.internal.TlsEndOfInput;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Builds a server's pipelines (Netty's <em>Initializer</em> role): the handlers a server shares among its channels, the
 * order they go in, and where each channel's own handler comes from. {@link Server} keeps only the lifecycle; the
 * benchmarks and the fuzz tests build their pipelines here, so they measure and fuzz exactly what a server installs.
 */
final class ServerInitializer {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    /** The name of a TLS connection's {@code SslHandler} in its pipeline, for handlers that ask about the session. */
    static final String TLS_HANDLER = "tls";

    final ServerConfig config;
    final ServerHandler handler;
    final ExecutorService workers;
    final Counters counters;
    final TrafficCounter bytes;
    final TrafficCounter frames;
    final TrafficCounter bytesAndFrames;
    final ConnectionHandler connection;
    final DatagramFailures datagramFailures;
    final GuardLog guards;
    private final ConnectionLimit limit;
    private final ServerTls tls;
    private final HexDump hexDump;
    private final boolean deadlines;
    private final DeadlineStarts deadlineStarts;
    private final long handshakeTimeoutMillis;
    /** Connections numbered for the listener, when there is one ({@link ConnectionTotals}); else null. */
    private final AtomicLong numbers;

    /** {@code workers} runs blocking handlers; it may be null when {@code handler} is a {@link HandlerFactory}. */
    ServerInitializer(ServerConfig config, ServerHandler handler, ExecutorService workers, Counters counters) {
        this(config, handler, workers, counters, null);
    }

    /**
     * As above, and with {@code tls} (null for none) every stream connection begins with a TLS handshake: the
     * certificate comes from {@code tls} as it is when the connection is accepted.
     */
    ServerInitializer(
            ServerConfig config, ServerHandler handler, ExecutorService workers, Counters counters, ServerTls tls) {
        this.config = config;
        this.tls = tls;
        this.handler = handler;
        this.workers = workers;
        this.counters = counters;
        this.bytes = TrafficCounter.bytes(counters);
        this.frames = TrafficCounter.frames(counters);
        this.bytesAndFrames = TrafficCounter.bytesAndFrames(counters);
        this.guards = new GuardLog(counters);
        this.connection = new ConnectionHandler(config.framing().maxFrameLength(), counters, config.listener(), guards);
        this.datagramFailures = new DatagramFailures(counters, config.listener(), guards);
        this.limit = new ConnectionLimit(config.maxConnections(), guards);
        this.deadlines = ConnectionDeadlines.anyIn(config);
        this.deadlineStarts = ConnectionDeadlines.startsFor(config);
        this.hexDump = config.hexDump().map(HexDump::new).orElse(null);
        this.handshakeTimeoutMillis = config.tlsHandshakeTimeout().toMillis();
        this.numbers = config.hasListener() ? new AtomicLong() : null;
    }

    /** A connection's numbering for the listener, from {@link #accepted} to the child's pipeline. */
    private static final AttributeKey<ConnectionTotals> TOTALS =
            AttributeKey.valueOf(ServerInitializer.class, "connectionTotals");

    /**
     * On the listening channel, for each accepted connection, in accept order: numbers it for the listener (when there
     * is one) and admits it or refuses it ({@link ConnectionLimit}). A refused connection's one event is its close,
     * with nothing read or written, since it was never opened.
     */
    void accepted(ChannelHandlerContext ctx, Channel child) {
        ConnectionTotals totals = number(child);
        if (!limit.admit(ctx, child) && totals != null) {
            config.listener().connectionClosed(totals.number, 0, 0, ConnectionTotals.end(Guard.CONNECTION_LIMIT));
        }
    }

    /** Numbers {@code child} for the listener's events, or returns null when there is no listener. */
    private ConnectionTotals number(Channel child) {
        if (numbers == null) {
            return null;
        }
        ConnectionTotals totals = new ConnectionTotals(numbers.incrementAndGet(), config.proxyProtocol());
        child.attr(TOTALS).set(totals);
        return totals;
    }

    /**
     * The child handler of a stream server: counts and remembers each connection the listening channel admitted
     * ({@link AcceptGuard}) in {@code connections}, then builds its pipeline ({@link #addStreamHandlers}).
     */
    ChannelInitializer<Channel> connections(Set<Channel> connections) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ConnectionTotals numbered = ch.attr(TOTALS).get();
                // A channel handed in without the listening channel's accept (a test's) is numbered here.
                ConnectionTotals totals = numbered != null ? numbered : number(ch);
                connection.opened(ch, connections, !config.proxyProtocol(), totals);
                addStreamHandlers(ch.pipeline(), totals);
            }
        };
    }

    /** The handler of a datagram server's one socket. */
    ChannelInitializer<Channel> datagrams() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline pipeline = ch.pipeline();
                // First: a small datagram leaves its 64 KiB read buffer before anything can hold it.
                pipeline.addLast(DatagramReads.RIGHT_SIZE);
                if (hexDump != null) {
                    pipeline.addLast(hexDump); // before the guard: a datagram the guard drops was still received
                }
                pipeline.addLast(bytes, new DatagramGuard(config, guards, counters));
                if (LOG.isDebugEnabled()) {
                    pipeline.addLast(MessageLogHandler.INSTANCE);
                }
                pipeline.addLast(newHandler());
                pipeline.addLast(datagramFailures);
            }
        };
    }

    /**
     * Adds a stream connection's handlers, in order: the PROXY header's decoder and handler (when the server takes the
     * PROXY protocol; they leave once the header is in, which comes before any TLS), TLS (when on: the engine, with its
     * handshake timeout, then {@link TlsEndOfInput}), hex dump (when asked for), byte counter (of decrypted bytes; the
     * deadlines handler, which counts too, unless every timeout is off), frame codec, frame counter (one counter of both when the framing is raw and has no codec), message log
     * (DEBUG only), the server's handler, and the connection handler. The header's bytes are not counted: they are the
     * proxy's, not the client's.
     */
    void addStreamHandlers(ChannelPipeline pipeline) {
        addStreamHandlers(pipeline, null);
    }

    /** As above, with the connection's own {@code totals} (null for none) just after the byte counter. */
    void addStreamHandlers(ChannelPipeline pipeline, ConnectionTotals totals) {
        if (config.proxyProtocol()) {
            ProxyHeaderHandler.addTo(pipeline, config, guards, connection);
        }
        if (tls != null) {
            SslHandler engine = tls.newHandler(pipeline.channel().alloc());
            engine.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            connection.watchHandshake(pipeline.channel(), engine);
            pipeline.addLast(TLS_HANDLER, engine);
            pipeline.addLast(new TlsEndOfInput());
        }
        if (hexDump != null) {
            pipeline.addLast(hexDump);
        }
        boolean raw = config.framing().kind() == Framing.Kind.RAW;
        TrafficCounter head = raw ? bytesAndFrames : bytes;
        // The deadlines handler counts in the counter's place: every handler costs each connection a context.
        pipeline.addLast(deadlines ? new ConnectionDeadlines(config, guards, head, deadlineStarts) : head);
        if (totals != null) {
            pipeline.addLast(totals);
        }
        if (!raw) {
            config.framing().addTo(pipeline);
            pipeline.addLast(frames);
        }
        if (LOG.isDebugEnabled()) {
            pipeline.addLast(MessageLogHandler.INSTANCE);
        }
        pipeline.addLast(newHandler());
        pipeline.addLast(connection);
    }

    /** The server's handler for one new connection, or for the datagram socket. */
    ChannelHandler newHandler() {
        Endpoint endpoint = config.endpoint();
        if (handler instanceof BlockingHandler blocking) {
            return endpoint.kind().isDatagram()
                    ? new BlockingDatagramBridge(blocking, workers, endpoint, counters, config.listener(), guards)
                    : new BlockingStreamBridge(blocking, workers, endpoint, counters, config.listener());
        }
        ChannelHandler made = ((HandlerFactory) handler).newHandler();
        if (made == null) {
            throw new IllegalStateException("the handler factory returned null");
        }
        return made;
    }
}
