package dev.socketkit.server;

import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.Sizes;
import dev.socketkit.transport.SocketSetting;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server is started with. Immutable: each {@code withX} returns a changed copy, so one base configuration
 * can be shared and varied freely.
 *
 * @param kind what the server does with what it reads
 * @param endpoint where it listens; port 0 asks for any free port
 * @param framing how the byte stream is cut into frames (stream sockets only; datagrams are frames already)
 * @param io which transport carries the sockets
 * @param backlog the listen backlog of stream servers, {@code listen(N)} in the tutorial
 * @param bufferSize the most bytes one read returns, as {@code recv(N)}; {@link #AUTO_BUFFER_SIZE} lets stream reads
 *     size themselves up to 64 KiB and datagram reads take the largest datagram whole
 * @param threads event-loop threads of a stream server (a datagram server has one socket and uses one)
 * @param socketOptions options set on the sockets, the tutorial's {@code setsockopt}
 * @param greeting what {@code welcome} sends on each new connection
 * @param dataPrefix what {@code welcome} puts before each frame it answers
 * @param replyText what {@code reply} answers
 * @param shutdownTimeout how long {@link Server#close()} lets pending writes finish before it closes connections
 */
public record ServerConfig(
        ServerKind kind,
        Endpoint endpoint,
        Framing framing,
        Io io,
        int backlog,
        int bufferSize,
        int threads,
        List<SocketSetting> socketOptions,
        String greeting,
        String dataPrefix,
        String replyText,
        Duration shutdownTimeout) {

    /** The {@link #bufferSize} that lets reads size themselves. */
    public static final int AUTO_BUFFER_SIZE = 0;

    /** The largest {@link #bufferSize}: 64 MiB. */
    public static final int MAX_BUFFER_SIZE = Sizes.MAX_READ_BUFFER;

    /** Checks every value; see {@link #validate()} for the checks that need more than one field. */
    public ServerConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(greeting, "greeting");
        Objects.requireNonNull(dataPrefix, "dataPrefix");
        Objects.requireNonNull(replyText, "replyText");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        socketOptions = List.copyOf(socketOptions);
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
     * one event-loop thread per core, and the tutorial's texts.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(
                ServerKind.ECHO,
                Endpoint.DEFAULT,
                Framing.raw(),
                Io.AUTO,
                NetUtil.SOMAXCONN,
                AUTO_BUFFER_SIZE,
                Runtime.getRuntime().availableProcessors(),
                List.of(),
                "Welcome to the server",
                "Data received:",
                "Thanks for connecting",
                Duration.ofMillis(1500));
    }

    /**
     * Checks what the constructor cannot check field by field: framing applies to stream sockets only, and each socket
     * option to the endpoint's kind of socket.
     *
     * @throws IllegalArgumentException saying what does not fit
     */
    public ServerConfig validate() {
        framing.checkApplies(endpoint.kind().isDatagram(), endpoint.kind().scheme());
        SocketSetting.checkKinds(socketOptions, endpoint.kind());
        return this;
    }

    /** A copy that runs {@code newKind}. */
    public ServerConfig withKind(ServerKind newKind) {
        return new ServerConfig(
                newKind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy that listens on {@code newEndpoint}. */
    public ServerConfig withEndpoint(Endpoint newEndpoint) {
        return new ServerConfig(
                kind,
                newEndpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy with {@code newFraming}. */
    public ServerConfig withFraming(Framing newFraming) {
        return new ServerConfig(
                kind,
                endpoint,
                newFraming,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy on {@code newIo}. */
    public ServerConfig withIo(Io newIo) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                newIo,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy with listen backlog {@code newBacklog}. */
    public ServerConfig withBacklog(int newBacklog) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                newBacklog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy whose reads return at most {@code newBufferSize} bytes ({@link #AUTO_BUFFER_SIZE}: automatic). */
    public ServerConfig withBufferSize(int newBufferSize) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                newBufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy with {@code newThreads} event-loop threads. */
    public ServerConfig withThreads(int newThreads) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                newThreads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy that also sets {@code setting} (a later setting of the same option wins). */
    public ServerConfig withSocketOption(SocketSetting setting) {
        List<SocketSetting> more = new ArrayList<>(socketOptions);
        more.removeIf(existing -> existing.name().equals(setting.name()));
        more.add(setting);
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                more,
                greeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy whose welcome server greets with {@code newGreeting}. */
    public ServerConfig withGreeting(String newGreeting) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                newGreeting,
                dataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy whose welcome server prefixes answers with {@code newDataPrefix}. */
    public ServerConfig withDataPrefix(String newDataPrefix) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                newDataPrefix,
                replyText,
                shutdownTimeout);
    }

    /** A copy whose reply server answers {@code newReplyText}. */
    public ServerConfig withReplyText(String newReplyText) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                newReplyText,
                shutdownTimeout);
    }

    /** A copy whose {@link Server#close()} waits at most {@code newShutdownTimeout} for pending writes. */
    public ServerConfig withShutdownTimeout(Duration newShutdownTimeout) {
        return new ServerConfig(
                kind,
                endpoint,
                framing,
                io,
                backlog,
                bufferSize,
                threads,
                socketOptions,
                greeting,
                dataPrefix,
                replyText,
                newShutdownTimeout);
    }
}
