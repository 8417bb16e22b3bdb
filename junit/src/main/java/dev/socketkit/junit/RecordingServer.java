package dev.socketkit.junit;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A server that records every frame it receives and answers from a script the test writes, to check how a client
 * behaves: what it sends, on which connection, and what it does with an answer that is late, cut short, or never
 * comes. Works over TCP, UDP, Unix stream and Unix datagram sockets, with any framing.
 *
 * <pre>{@code
 * try (RecordingServer server = RecordingServer.start(Endpoint.anyLocal(SocketKind.TCP))) {
 *     server.enqueue(Reaction.reply("pong"), Reaction.reset());
 *     ClientUnderTest client = new ClientUnderTest(server.endpoint());
 *     client.ping();
 *     RecordedFrame ping = server.takeFrame();
 *     assertEquals("ping", ping.utf8());
 *     assertEquals(1, ping.connection());
 * }
 * }</pre>
 *
 * <p>Each frame received takes the next {@link Reaction} {@linkplain #enqueue enqueued}, in the order frames arrive
 * across the whole server, whichever connection they come on; once the script is used up, frames get the {@linkplain
 * #setDefaultReaction default reaction}, which answers nothing unless changed. Enqueue before the client sends. A frame
 * is recorded before its reaction starts, so once a client has its answer, {@link #takeFrame()} has the frame at once.
 *
 * <p>The server runs on one event-loop thread, so connections are numbered in the order they begin (as accepted; on a
 * server that takes the PROXY protocol, once their header is in, a connection refused for its header not at all), and a
 * reaction's delay blocks nothing (later reactions on the same connection wait for it, as answers from a server that
 * handles requests in order would). When a client shuts down its sending side, the connection stays open until the
 * reactions already started have run. Datagrams from an unbound Unix datagram socket cannot be answered; the server
 * drops them before they are recorded, counting them in {@code server().stats().droppedDatagrams()}.
 *
 * <p>Started from an endpoint (or by {@link SocketServer}), it stops at once when {@linkplain #close() closed}: no
 * pending answer is waited for.
 */
public final class RecordingServer implements AutoCloseable {
    /** How long {@link #takeFrame()} waits for a frame. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Script script;
    private final Server server;

    private RecordingServer(Script script, Server server) {
        this.script = script;
        this.server = server;
    }

    /**
     * Starts a recording server on {@code endpoint} (port 0: any free port, see {@link #endpoint()}), raw framing, the
     * best transport.
     *
     * @param endpoint where to listen
     * @return the running server; close it to stop it
     * @throws dev.socketkit.server.ServerException if it cannot bind
     * @see Endpoint#anyLocal(SocketKind)
     */
    public static RecordingServer start(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return start(ServerConfig.defaults().withEndpoint(endpoint).withShutdownTimeout(Duration.ZERO));
    }

    /**
     * Starts a recording server configured as {@code base} is (endpoint, framing, transport, buffer size, socket
     * options, guards, TLS, the PROXY protocol, listener, shutdown timeout), with its own handler in place of {@code
     * base}'s kind or handler, on one event-loop thread.
     *
     * @param base the configuration to start from
     * @return the running server; close it to stop it
     * @throws IllegalArgumentException if the configuration cannot work (see {@link Server#start})
     * @throws IllegalStateException if the chosen transport is not available on this machine
     * @throws dev.socketkit.server.ServerException if it cannot bind
     */
    public static RecordingServer start(ServerConfig base) {
        Objects.requireNonNull(base, "base");
        Script script = new Script();
        boolean datagram = base.endpoint().kind().isDatagram();
        ServerConfig config = base.withThreads(1).withHandler(() -> new RecordingHandler(script, datagram));
        return new RecordingServer(script, Server.start(config));
    }

    /** {@return where the server really listens (the real port when port 0 was asked for)} */
    public Endpoint endpoint() {
        return server.endpoint();
    }

    /**
     * {@return the running server underneath} Its {@linkplain Server#stats() counters}, open connections and
     * transport.
     */
    public Server server() {
        return server;
    }

    /**
     * Adds reactions to the script: each frame received from now on takes the next one, in order.
     *
     * @param reactions the reactions, in the order frames take them
     * @return this server
     * @throws IllegalArgumentException if a reaction cannot run on this server's socket (a half-close, close or reset
     *     on a datagram socket, a reset on a Unix socket); nothing is enqueued then
     */
    public RecordingServer enqueue(Reaction... reactions) {
        for (Reaction reaction : reactions) {
            checkFits(Objects.requireNonNull(reaction, "reaction"));
        }
        for (Reaction reaction : reactions) {
            script.reactions.add(reaction);
        }
        return this;
    }

    /**
     * Sets the reaction for frames that come when the script is used up; {@link Reaction#drop()} (no answer) until
     * set. {@link Reaction#echo()} makes a recording echo server.
     *
     * @param reaction what the server does with each such frame
     * @return this server
     * @throws IllegalArgumentException if the reaction cannot run on this server's socket
     */
    public RecordingServer setDefaultReaction(Reaction reaction) {
        checkFits(Objects.requireNonNull(reaction, "reaction"));
        script.defaultReaction = reaction;
        return this;
    }

    /**
     * Sets what the server does on each new connection, before any frame: typically a greeting, {@code
     * Reaction.reply("220 ready")}, or a connection refused at once, {@code Reaction.close()}. Applies to connections
     * accepted from now on; {@link Reaction#drop()} (nothing) until set. Frames that come meanwhile wait for it.
     *
     * @param reaction what the server does on each new connection
     * @return this server
     * @throws IllegalArgumentException on a datagram socket, which has no connections, for a reaction that echoes
     *     (there is no frame yet), or one that cannot run on this server's socket
     */
    public RecordingServer onConnect(Reaction reaction) {
        Objects.requireNonNull(reaction, "reaction");
        SocketKind kind = server.endpoint().kind();
        if (kind.isDatagram()) {
            throw new IllegalArgumentException(kind.scheme() + " sockets have no connections to react to");
        }
        if (reaction.echoes()) {
            throw new IllegalArgumentException("a reaction on connect has no frame to echo: " + reaction);
        }
        checkFits(reaction);
        script.greeting = reaction;
        return this;
    }

    /**
     * Takes the oldest frame not taken yet, waiting up to {@link #DEFAULT_TIMEOUT} for one to come.
     *
     * @return the frame
     * @throws AssertionError if none comes in time, which fails the test with a message saying so
     */
    public RecordedFrame takeFrame() {
        return takeFrame(DEFAULT_TIMEOUT);
    }

    /**
     * Takes the oldest frame not taken yet, waiting up to {@code timeout} for one to come.
     *
     * @param timeout how long to wait
     * @return the frame
     * @throws AssertionError if none comes in time, or the waiting thread is interrupted
     */
    public RecordedFrame takeFrame(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            RecordedFrame frame = script.frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no frame received by " + this + " within " + timeout.toMillis() + " ms ("
                        + frameCount() + " received in all, each already taken)");
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a frame from " + this, e);
        }
    }

    /** {@return how many frames the server has received so far, taken or not} */
    public int frameCount() {
        return script.frameCount.get();
    }

    /** {@return how many connections the server has accepted so far (always 0 on a datagram socket)} */
    public int connectionCount() {
        return script.connectionCount.get();
    }

    /** {@return how many enqueued reactions no frame has taken yet: 0 once the script is used up} */
    public int pendingReactions() {
        return script.reactions.size();
    }

    /** Stops the server: see {@link Server#close()}. Recorded frames can still be taken. Harmless twice. */
    @Override
    public void close() {
        server.close();
    }

    /** Such as {@code recording server on tcp://127.0.0.1:41234}. */
    @Override
    public String toString() {
        return "recording server on " + server.endpoint();
    }

    private void checkFits(Reaction reaction) {
        SocketKind kind = server.endpoint().kind();
        reaction.checkFits(kind.isDatagram(), kind == SocketKind.TCP, kind.scheme());
    }
}
