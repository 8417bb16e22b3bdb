package dev.socketkit.server;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.internal.Sizes;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

    /**
     * An echo server on {@code tcp://127.0.0.1:8090}, raw framing, the best transport, the system's listen backlog,
     * one event-loop thread per core, the tutorial's texts, and at most 1.5 s to finish pending writes on close.
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
        draft.shutdownTimeout = Duration.ofMillis(1500);
        draft.listener = ServerListener.NONE;
        return new ServerConfig(draft);
    }

    /**
     * Checks what cannot be checked value by value: framing applies to stream sockets only, and each socket option to
     * the endpoint's kind of socket.
     *
     * @return this configuration
     * @throws IllegalArgumentException saying what does not fit
     */
    public ServerConfig validate() {
        framing.checkApplies(endpoint.kind().isDatagram(), endpoint.kind().scheme());
        SocketSetting.checkKinds(socketOptions, endpoint.kind());
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

    /** {@return the event-loop threads of a stream server (a datagram server has one socket and uses one)} */
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

    /** {@return how long {@link Server#close()} lets pending writes and running blocking handlers finish} */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** {@return the hooks called as connections open, close and fail} */
    public ServerListener listener() {
        return listener;
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
     * A copy that calls {@code newListener}'s hooks (replacing any listener set before).
     *
     * @param newListener the hooks; {@link ServerListener#NONE} for none
     * @return the copy
     */
    public ServerConfig withListener(ServerListener newListener) {
        return edit(draft -> draft.listener = newListener);
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
        return describeHandler() + " server on " + endpoint + " (framing " + framing + ", io " + io.id() + ")";
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
        }
    }
}
