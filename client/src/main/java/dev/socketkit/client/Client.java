package dev.socketkit.client;

import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.HexDump;
import dev.socketkit.transport.internal.NoSharedAlpnException;
import dev.socketkit.transport.internal.StreamReads;
import dev.socketkit.transport.internal.TlsContexts;
import dev.socketkit.transport.internal.TlsEndOfInput;
import dev.socketkit.transport.internal.TlsFailures;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * One connection to a server (for datagram sockets, one socket that talks to one server). Blocking calls ({@link
 * #send}, {@link #receive()}, {@link #request}) and asynchronous ones ({@link #sendAsync}, {@link #receiveAsync()})
 * work on the same object and may be mixed; frames are received in order by whichever call asks first.
 *
 * <p>A Unix datagram client binds a temporary path of its own, because a server cannot answer an unbound socket, and
 * removes it on {@link #close()}.
 */
public final class Client implements AutoCloseable {
    private final ClientConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;
    private final Inbox inbox;
    private final Path ownSocketFile;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Client(
            ClientConfig config,
            Transport transport,
            EventLoopGroup group,
            Channel channel,
            Inbox inbox,
            Path ownSocketFile) {
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.channel = channel;
        this.inbox = inbox;
        this.ownSocketFile = ownSocketFile;
    }

    /**
     * Connects to {@code endpoint} with the default settings ({@link ClientConfig#defaults()}).
     *
     * @param endpoint a URI such as {@code tcp://127.0.0.1:8090}, as {@link Endpoint#parse} reads it
     * @return the connected client; close it when done
     * @throws IllegalArgumentException if {@code endpoint} is malformed
     * @throws ClientException if the connection fails: refused, no such socket file, host not found, timed out
     */
    public static Client connect(String endpoint) {
        return connect(ClientConfig.defaults().withEndpoint(Endpoint.parse(endpoint)));
    }

    /**
     * Connects as {@code config} says; returns once connected (for datagram sockets: once bound and aimed at the
     * server).
     *
     * @param config where to connect, and how
     * @return the connected client; close it when done
     * @throws IllegalArgumentException if the configuration cannot work anywhere
     * @throws IllegalStateException if the chosen transport is not available on this machine
     * @throws ClientException if the connection fails: refused, no such socket file, host not found, timed out
     */
    public static Client connect(ClientConfig config) {
        // Connecting and the TLS handshake share the one connect timeout: a server that accepts and never answers the
        // hello is given up on when connecting would have been.
        long started = System.nanoTime();
        config.validate();
        Endpoint endpoint = config.endpoint();
        SocketKind kind = endpoint.kind();
        Transport transport = Bootstraps.select(config.io(), endpoint, config.socketOptions());
        String name = endpoint.toString();
        Bootstraps.unreachable(endpoint).ifPresent(why -> {
            throw new ClientException(
                    why == Bootstraps.Unreachable.NO_SUCH_SOCKET ? Reason.NO_SUCH_SOCKET : Reason.HOST_NOT_FOUND,
                    why.describe(endpoint),
                    null);
        });

        TlsConfig tls = config.effectiveTls().orElse(null);
        SslContext tlsContext = tls == null ? null : tlsContext(tls, name);
        Inbox inbox = new Inbox(config.inboxLimit());
        // Kept here: a handshake that fails at once closes the connection, and the pipeline loses the handler.
        AtomicReference<SslHandler> tlsHandler = new AtomicReference<>();
        EventLoopGroup group = transport.newEventLoopGroup(1, "socketkit-client");
        Path ownSocketFile = Bootstraps.clientBindPath(kind).orElse(null);
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(transport.channelClass(kind))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            // First, so that the header goes out before any frame.
                            config.proxyHeader()
                                    .ifPresent(version -> ch.pipeline().addLast(ProxyProtocol.headerWriter(version)));
                            if (tlsContext != null) {
                                tlsHandler.set(TlsContexts.newClientHandler(
                                        tlsContext, tls, ch.alloc(), tlsHost(endpoint), tlsPort(endpoint)));
                                // Off: awaitHandshake keeps the time, the connect timeout's; Netty's 10 s would cut
                                // a longer one short, and fail it as a TLS failure rather than a timeout.
                                tlsHandler.get().setHandshakeTimeoutMillis(0);
                                ch.pipeline().addLast(TLS_HANDLER, tlsHandler.get());
                                ch.pipeline().addLast(new TlsEndOfInput());
                            }
                            config.hexDump().ifPresent(sink -> ch.pipeline().addLast(new HexDump(sink)));
                            config.framing().addTo(ch.pipeline());
                            ch.pipeline()
                                    .addLast(new InboxHandler(
                                            inbox, name, config.framing().maxFrameLength()));
                        }
                    });
            Bootstraps.connectTimeout(bootstrap, config.connectTimeout());
            if (kind.isStream()) {
                bootstrap.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
                if (tlsContext != null) {
                    // A failed write must not close the connection at once: over TLS 1.3 the server refuses a client
                    // certificate after the handshake, and its alert, already received, is read only if reading goes
                    // on (see toCompletable).
                    bootstrap.option(ChannelOption.AUTO_CLOSE, false);
                }
                bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, StreamReads.allocator(config.bufferSize()));
            } else {
                Bootstraps.datagramReads(
                        bootstrap, config.bufferSize() == 0 ? DatagramLimits.maxDatagram(kind) : config.bufferSize());
            }
            Bootstraps.applyOptions(bootstrap, config.socketOptions());
            ChannelFuture connected = Bootstraps.connect(bootstrap, transport.socketAddress(endpoint), ownSocketFile);
            if (!connected.awaitUninterruptibly(config.connectTimeout().toMillis() + 1000)) {
                connected.cancel(false);
                throw new ClientException(Reason.TIMED_OUT, "connecting to " + name + " timed out", null);
            }
            if (!connected.isSuccess()) {
                throw Failures.describe(name, connected.cause());
            }
            if (tlsContext != null) {
                awaitHandshake(tlsHandler.get(), connected.channel(), started, config, tls, name);
            }
            return new Client(config, transport, group, connected.channel(), inbox, ownSocketFile);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            deleteQuietly(ownSocketFile);
            throw e;
        }
    }

    /** The name of the {@code SslHandler} in a TLS client's pipeline. */
    private static final String TLS_HANDLER = "tls";

    /** How long a TLS connection whose write failed goes on reading for the peer's alert before it is closed. */
    private static final long TLS_ALERT_GRACE_MILLIS = 1000;

    private static SslContext tlsContext(TlsConfig tls, String name) {
        try {
            return TlsContexts.forClient(tls);
        } catch (SSLException e) {
            throw new ClientException(Reason.TLS, name + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The host a TLS client checks the certificate against and sends as SNI, unless the config names another. */
    private static String tlsHost(Endpoint endpoint) {
        return endpoint.kind().isUnix() ? "localhost" : endpoint.host();
    }

    private static int tlsPort(Endpoint endpoint) {
        return endpoint.kind().isUnix() ? -1 : endpoint.port();
    }

    /**
     * Waits for the TLS handshake for what is left of the connect timeout, which began at {@code started}; a refused
     * handshake is one line naming the endpoint and the cause, one not done by then a timeout in the words a server
     * uses for it.
     */
    private static void awaitHandshake(
            SslHandler tls, Channel channel, long started, ClientConfig config, TlsConfig tlsConfig, String name) {
        io.netty.util.concurrent.Future<Channel> done = tls.handshakeFuture();
        long budget;
        try {
            budget = config.connectTimeout().toNanos();
        } catch (ArithmeticException centuries) {
            budget = Long.MAX_VALUE;
        }
        long left = Math.max(0, budget - (System.nanoTime() - started));
        if (!done.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            throw new ClientException(
                    Reason.TIMED_OUT, TlsFailures.describeTimeout(name, config.connectTimeout()), null);
        }
        if (!done.isSuccess()) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            throw new ClientException(Reason.TLS, TlsFailures.describe(name, done.cause()), done.cause());
        }
        if (!tlsConfig.alpn().isEmpty() && tls.applicationProtocol() == null) {
            // Said here, not left to the exception TlsContexts fires: the caller could write first, and see only
            // that the connection closed under it.
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            NoSharedAlpnException refused = new NoSharedAlpnException(tlsConfig.alpn());
            throw new ClientException(Reason.TLS, TlsFailures.describe(name, refused), refused);
        }
    }

    /**
     * {@return the TLS session, once the handshake is done; empty for a plain connection} It tells the protocol
     * ({@code TLSv1.3}), the cipher suite and the server's certificates, as {@code send -v} prints them.
     */
    public Optional<SSLSession> tlsSession() {
        SslHandler tls = (SslHandler) channel.pipeline().get(TLS_HANDLER);
        return tls == null ? Optional.empty() : Optional.of(tls.engine().getSession());
    }

    /** {@return the protocol the server chose by ALPN, if TLS is on and one was agreed} */
    public Optional<String> applicationProtocol() {
        SslHandler tls = (SslHandler) channel.pipeline().get(TLS_HANDLER);
        return tls == null ? Optional.empty() : Optional.ofNullable(tls.applicationProtocol());
    }

    /** {@return the endpoint this client talks to} */
    public Endpoint endpoint() {
        return config.endpoint();
    }

    /** {@return the transport the client runs on} */
    public Transport transport() {
        return transport;
    }

    /** {@return whether the connection is still open} */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Sends {@code data} as one frame (raw: the bytes as given, in one write; datagram sockets: one datagram) and waits
     * until it is written.
     *
     * @param data the frame's bytes; copied
     * @throws ClientException if the write fails or does not finish within the read timeout
     */
    public void send(byte[] data) {
        await(sendAsync(data), config.readTimeout(), "sending to");
    }

    /**
     * Sends {@code text} in UTF-8 as one frame; see {@link #send(byte[])}.
     *
     * @param text the frame's text
     * @throws ClientException if the write fails or does not finish within the read timeout
     */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code data} as one frame, without waiting.
     *
     * @param data the frame's bytes; copied
     * @return a future that completes when the frame is written, or fails with a {@link ClientException}
     */
    public CompletableFuture<Void> sendAsync(byte[] data) {
        return toCompletable(channel.writeAndFlush(Unpooled.wrappedBuffer(data.clone())));
    }

    /**
     * Sends {@code data} exactly as given, past the framing's encoder (no terminator, length field or padding is
     * added), and waits until it is written: for bytes that are framed already, such as a stream copied through from a
     * file. With raw framing, and on datagram sockets, the same as {@link #send(byte[])}.
     *
     * @param data the bytes; copied
     * @throws ClientException if the write fails or does not finish within the read timeout
     */
    public void sendUnframed(byte[] data) {
        // Writing from the encoder's own context (named as Framing.addTo documents) starts at the handler before it,
        // so the encoder never sees the bytes.
        ChannelHandlerContext encoder = channel.pipeline().context("frameEncoder");
        ByteBuf bytes = Unpooled.wrappedBuffer(data.clone());
        ChannelFuture written = encoder == null ? channel.writeAndFlush(bytes) : encoder.writeAndFlush(bytes);
        await(toCompletable(written), config.readTimeout(), "sending to");
    }

    /**
     * Waits up to the read timeout for the next frame. A timeout loses nothing: a frame that comes later, even as the
     * wait ends, is the next receive's.
     *
     * @return the frame's bytes
     * @throws ClientException {@code TIMED_OUT} if none comes in time, {@code CLOSED} if the peer closed first
     */
    public byte[] receive() {
        return receive(config.readTimeout());
    }

    /**
     * Waits up to {@code timeout} for the next frame; see {@link #receive()}.
     *
     * @param timeout how long to wait
     * @return the frame's bytes
     * @throws ClientException {@code TIMED_OUT} if none comes in time, {@code CLOSED} if the peer closed first
     */
    public byte[] receive(Duration timeout) {
        CompletableFuture<byte[]> next = inbox.next();
        try {
            return await(next, timeout, "waiting for data from");
        } catch (RuntimeException e) {
            inbox.giveUp(next);
            throw e;
        }
    }

    /**
     * The next frame, without waiting.
     *
     * @return a future that completes with the next frame's bytes, or fails with a {@link ClientException} ({@code
     *     CLOSED}) if the peer closes first
     */
    public CompletableFuture<byte[]> receiveAsync() {
        return inbox.next();
    }

    /**
     * Sends {@code data} as one frame and returns the next frame received. Each step waits at most the read timeout,
     * and the two together at most the exchange timeout.
     *
     * @param data the frame to send; copied
     * @return the reply frame's bytes
     * @throws ClientException {@code TIMED_OUT} if either bound passes, {@code CLOSED} if the peer closes first
     */
    public byte[] request(byte[] data) {
        long deadline = System.nanoTime() + config.exchangeTimeout().toNanos();
        exchangeStep(sendAsync(data), deadline, "sending to");
        CompletableFuture<byte[]> next = inbox.next();
        try {
            return exchangeStep(next, deadline, "waiting for data from");
        } catch (RuntimeException e) {
            inbox.giveUp(next);
            throw e;
        }
    }

    /**
     * Sends {@code text} as one frame and returns the next frame received, both in UTF-8; see {@link #request(byte[])}.
     *
     * @param text the frame to send
     * @return the reply frame as text
     * @throws ClientException {@code TIMED_OUT} if either bound passes, {@code CLOSED} if the peer closes first
     */
    public String request(String text) {
        return new String(request(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /**
     * Receives frames until the peer closes (or, on a stream socket, shuts down its write side), and returns them in
     * order: the end of the tutorial's client, which reads until the server is done. Each frame may take the read
     * timeout to come, and all of them together the exchange timeout, so a server that trickles data forever cannot
     * hold the caller forever. When it throws, the frames it had received are not lost: the next receive returns them.
     *
     * @return the frames, in the order they came; empty if the peer closed without sending
     * @throws ClientException {@code TIMED_OUT} if either bound passes; {@code RESET} or another reason if the
     *     connection fails
     */
    public List<byte[]> receiveUntilClosed() {
        long deadline = System.nanoTime() + config.exchangeTimeout().toNanos();
        List<byte[]> frames = new ArrayList<>();
        while (true) {
            CompletableFuture<byte[]> next = inbox.next();
            try {
                frames.add(exchangeStep(next, deadline, "waiting for data from"));
            } catch (ClientException e) {
                if (e.reason() == Reason.CLOSED) {
                    return frames;
                }
                inbox.giveUp(next, frames);
                throw e;
            }
        }
    }

    /**
     * Tells the server that nothing more will be sent (shuts down the write side), so that it can finish and close;
     * frames can still be received.
     *
     * @throws IllegalStateException on a datagram socket, which has no write side to shut down
     */
    public void shutdownOutput() {
        if (!(channel instanceof DuplexChannel duplex)) {
            throw new IllegalStateException(config.endpoint().kind().scheme() + " sockets cannot half-close");
        }
        SslHandler tls = (SslHandler) channel.pipeline().get(TLS_HANDLER);
        if (tls != null) {
            // close_notify first: a TLS peer reads a bare FIN as a truncation, not as the end of the data. TLS 1.3
            // keeps the other direction open for the answers; TLS 1.2 has no half-close, and its peer closes both.
            ChannelPromise sent = channel.newPromise();
            try {
                // On the loop, and only while the handler is there: Netty's closeOutbound fails with a
                // NullPointerException, logged with its stack trace, on a handler the closing connection removed.
                channel.eventLoop().execute(() -> {
                    if (channel.pipeline().get(TLS_HANDLER) == tls) {
                        tls.closeOutbound(sent);
                    } else {
                        sent.setFailure(new ClosedChannelException());
                    }
                });
            } catch (RejectedExecutionException stopped) {
                sent.setFailure(new ClosedChannelException());
            }
            await(toCompletable(sent), config.readTimeout(), "shutting down output to");
        }
        await(toCompletable(duplex.shutdownOutput()), config.readTimeout(), "shutting down output to");
    }

    /** Closes the connection, stops the client's thread and removes its own socket file; harmless twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        deleteQuietly(ownSocketFile);
    }

    @Override
    public String toString() {
        return "client of " + config.endpoint() + " (" + transport.id() + ")";
    }

    /** Waits for one step of an exchange: at most the read timeout, and not past the exchange's deadline. */
    private <T> T exchangeStep(CompletableFuture<T> future, long deadline, String doing) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || left < config.readTimeout().toNanos()) {
            try {
                return await(future, Duration.ofNanos(Math.max(left, 0)), doing);
            } catch (ClientException e) {
                if (e.reason() != Reason.TIMED_OUT) {
                    throw e;
                }
                throw new ClientException(
                        Reason.TIMED_OUT,
                        "exchange with " + config.endpoint() + " timed out after " + describe(config.exchangeTimeout()),
                        e);
            }
        }
        return await(future, config.readTimeout(), doing);
    }

    private <T> T await(CompletableFuture<T> future, Duration timeout, String doing) {
        String endpoint = config.endpoint().toString();
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ClientException(
                    Reason.TIMED_OUT, doing + " " + endpoint + " timed out after " + describe(timeout), e);
        } catch (ExecutionException e) {
            throw Failures.describe(endpoint, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(Reason.IO, doing + " " + endpoint + " was interrupted", e);
        }
    }

    /**
     * A write or shutdown as a future that fails with a {@link ClientException}. Over TLS a failed write is reported
     * only once the connection has closed, reading meanwhile (for at most {@link #TLS_ALERT_GRACE_MILLIS}): a TLS 1.3
     * server that refuses the client's certificate does so after the handshake, with an alert and a reset, and the
     * write that meets the reset would otherwise hide the alert that says why.
     */
    private CompletableFuture<Void> toCompletable(ChannelFuture future) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else if (config.effectiveTls().isPresent()
                    && (f.cause() instanceof IOException || f.cause() instanceof NotYetConnectedException)) {
                afterClose(() -> done.completeExceptionally(failure(f.cause())));
            } else {
                done.completeExceptionally(failure(f.cause()));
            }
        });
        return done;
    }

    /**
     * Runs {@code then} once the connection has closed, closing it after {@link #TLS_ALERT_GRACE_MILLIS} if the peer
     * does not; on the event loop, as a task, so that it runs after what the close is part of: the engine closes the
     * connection on the alert before the alert's exception goes down the pipeline to the inbox.
     */
    private void afterClose(Runnable then) {
        try {
            io.netty.util.concurrent.Future<?> grace =
                    channel.eventLoop().schedule(() -> channel.close(), TLS_ALERT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed -> {
                grace.cancel(false);
                try {
                    channel.eventLoop().execute(then);
                } catch (RejectedExecutionException stopped) {
                    then.run();
                }
            });
        } catch (RejectedExecutionException stopped) {
            then.run(); // the client is closed: there is nothing more to read
        }
    }

    /**
     * Why a write failed. A write to a channel that is closed fails with a bare {@link ClosedChannelException}; when the
     * connection ended for a reason the inbox knows (the peer closed, reset, or sent a frame over the limit), that
     * reason is the failure the caller needs to see. Over TLS, a TLS reason the inbox knows (the peer's alert) is always
     * the one: the write fails only with what followed it (a reset, an engine closed by the alert).
     */
    private ClientException failure(Throwable cause) {
        ClientException end = inbox.endReason();
        boolean told = end != null
                && (cause instanceof ClosedChannelException
                        || (config.effectiveTls().isPresent() && end.reason() == Reason.TLS));
        return told ? end : Failures.describe(config.endpoint().toString(), cause);
    }

    private static String describe(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (java.io.IOException ignored) {
                // A leftover temporary socket file is harmless, and nothing useful can be done here.
            }
        }
    }
}
