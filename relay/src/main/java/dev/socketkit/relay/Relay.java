package dev.socketkit.relay;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.Failures;
import dev.socketkit.transport.internal.ServerTls;
import dev.socketkit.transport.internal.TlsContexts;
import dev.socketkit.transport.internal.UnixSocketFile;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A running relay: every connection that arrives at its listen endpoint is joined to a new connection to its target
 * (for datagram sockets: every client address gets a session with an upstream socket of its own), and bytes flow both
 * ways unchanged. Start one with {@link #start}; {@link #endpoint()} tells where it really listens; {@link #close()}
 * stops it. See the README's "Relay" section for the rules it keeps: backpressure, half-close, resets, the session
 * table.
 */
public final class Relay implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Relay.class);

    private final RelayConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;
    private final Endpoint endpoint;
    private final UnixSocketFile socketFile;
    private final Counters counters;
    private final Set<Channel> connections;
    private final DatagramRelay datagrams;
    /** The seam to faults: every connection and datagram session is put through this one live set. */
    private final Faults faults;

    private final AtomicBoolean closed = new AtomicBoolean();

    private Relay(
            RelayConfig config,
            Transport transport,
            EventLoopGroup group,
            Channel channel,
            Endpoint endpoint,
            UnixSocketFile socketFile,
            Counters counters,
            Set<Channel> connections,
            DatagramRelay datagrams,
            Faults faults) {
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.channel = channel;
        this.endpoint = endpoint;
        this.socketFile = socketFile;
        this.counters = counters;
        this.connections = connections;
        this.datagrams = datagrams;
        this.faults = faults;
    }

    /**
     * Binds the listen endpoint and starts relaying; returns once it is listening. The target is not tried until the
     * first client comes: it may start later than the relay.
     *
     * @param config where to listen, where to forward, and how
     * @return the running relay; close it to stop it
     * @throws IllegalArgumentException if the configuration cannot work anywhere: endpoints of two families, TLS on a
     *     datagram socket, a transport without one of the two kinds, a Unix path longer than the OS allows
     * @throws IllegalStateException if the chosen transport is not available on this machine
     * @throws RelayException if binding fails (address in use, permission denied, a socket file in the way), the target's
     *     host name does not resolve, or TLS cannot be set up
     */
    public static Relay start(RelayConfig config) {
        config.validate();
        Endpoint listen = config.listen();
        Endpoint target = config.target();
        Transport transport = transport(config);
        if (!target.kind().isUnix() && target.inetSocketAddress().isUnresolved()) {
            throw new RelayException("host not found: " + target.host() + " (the target " + target + ")", null);
        }
        // The one place faults come in: every connection and session is put through this hook.
        Faults faults = Faults.forRelay(config);
        Counters counters = new Counters();
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        StreamRelay streams = null;
        DatagramRelay datagrams = null;
        if (listen.kind().isStream()) {
            streams = new StreamRelay(
                    config,
                    transport,
                    counters,
                    faults,
                    faults.listener(),
                    connections,
                    listenTls(config),
                    targetTls(config));
        } else {
            datagrams = new DatagramRelay(config, transport, counters, faults, faults.listener());
        }
        if (listen.kind().isUnix()) {
            try {
                UnixSocketFile.prepareForBind(Path.of(listen.path()));
            } catch (IOException e) {
                throw new RelayException(Failures.describeBind(listen, e), e);
            }
        } else if (listen.inetSocketAddress().isUnresolved()) {
            throw new RelayException("cannot resolve host '" + listen.host() + "' of " + listen, null);
        }
        int threads = listen.kind().isStream() && config.threads() > 0
                ? config.threads()
                : listen.kind().isStream() ? Runtime.getRuntime().availableProcessors() : 1;
        EventLoopGroup group = transport.newEventLoopGroup(threads, "socketkit-relay");
        try {
            AbstractBootstrap<?, ?> bootstrap = streams != null ? streams.bootstrap(group) : datagrams.bootstrap(group);
            ChannelFuture bound =
                    bootstrap.bind(transport.socketAddress(listen)).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw new RelayException(Failures.describeBind(listen, bound.cause()), bound.cause());
            }
            Channel channel = bound.channel();
            Endpoint actual = listen.kind().isUnix()
                    ? listen
                    : Endpoint.of(listen.kind(), (InetSocketAddress) channel.localAddress())
                            .withTls(listen.isTls());
            UnixSocketFile socketFile = listen.kind().isUnix() ? UnixSocketFile.bound(Path.of(listen.path())) : null;
            LOG.debug("relay {} -> {} via {}", actual, target, transport.id());
            return new Relay(
                    config, transport, group, channel, actual, socketFile, counters, connections, datagrams, faults);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RelayException(Failures.describeBind(listen, e), e);
        }
    }

    /**
     * The one transport both sides run on, so that a connection's two channels share an event loop: the listen kind's
     * choice, if it also has the target's kind.
     */
    private static Transport transport(RelayConfig config) {
        Endpoint listen = config.listen();
        Endpoint target = config.target();
        Transport transport = Bootstraps.select(config.io(), listen, config.socketOptions());
        SocketKind kind = target.kind();
        if (!transport.supports(kind)) {
            Transport other = Bootstraps.select(config.io(), target, List.of());
            throw new IllegalArgumentException("a relay runs both sides on one transport, and " + transport.id()
                    + " (for " + listen.kind().scheme() + ") has no " + kind.scheme() + " sockets; use --io "
                    + other.id());
        }
        for (var setting : config.socketOptions()) {
            setting.checkApplies(kind, transport);
        }
        if (kind.isUnix()) {
            UnixSocketFile.checkPathLength(target, transport);
        }
        return transport;
    }

    private static ServerTls listenTls(RelayConfig config) {
        Optional<TlsConfig> tls = config.effectiveListenTls();
        if (tls.isEmpty()) {
            return null;
        }
        Endpoint listen = config.listen();
        try {
            ServerTls serverTls = ServerTls.start(tls.get(), listen.kind().isUnix() ? null : listen.host());
            LOG.info(
                    "TLS on {}: {} certificate {}, sha256 {}",
                    listen,
                    tls.get().isSelfSigned() ? "self-signed" : "the",
                    serverTls.subject(),
                    serverTls.fingerprint());
            return serverTls;
        } catch (SSLException e) {
            throw new RelayException("cannot serve TLS on " + listen + ": " + e.getMessage(), e);
        }
    }

    private static SslContext targetTls(RelayConfig config) {
        Optional<TlsConfig> tls = config.effectiveTargetTls();
        if (tls.isEmpty()) {
            return null;
        }
        try {
            return TlsContexts.forClient(tls.get());
        } catch (SSLException e) {
            throw new RelayException(config.target() + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** {@return the relay's live faults: add and remove them while traffic flows} */
    public Faults faults() {
        return faults;
    }

    /** {@return where the relay listens: the listen endpoint, with the real port when port 0 was asked for} */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@return where the relay forwards to} */
    public Endpoint target() {
        return config.target();
    }

    /** {@return the transport both sides run on} */
    public Transport transport() {
        return transport;
    }

    /** {@return the configuration the relay was started with} */
    public RelayConfig config() {
        return config;
    }

    /** {@return the listening channel, for tests that hold its event loop or watch its accepts} */
    Channel listeningChannel() {
        return channel;
    }

    /** {@return a snapshot of the relay's counters} */
    public RelayStats stats() {
        return counters.snapshot();
    }

    /**
     * Blocks until the listening socket is closed, by {@link #close()} from another thread or because it failed.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitClose() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        channel.closeFuture().addListener(closed -> done.countDown());
        done.await();
    }

    /** {@return whether {@link #close()} has been called} */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops the relay: the listening socket closes, every relayed connection and datagram session is closed on both
     * sides, the event loops stop, and a Unix socket file is removed. Returns when all is done; closing again does
     * nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (datagrams != null) {
            channel.eventLoop().submit(datagrams::closeAll).awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        for (Channel connection : connections) {
            connection.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (socketFile != null) {
            socketFile.delete();
        }
        LOG.debug("stopped relay {} -> {}: {}", endpoint, config.target(), stats().summary());
    }

    /** {@return the hook every connection and session of this relay is put through} */
    FaultHook faultHook() {
        return faults;
    }

    @Override
    public String toString() {
        return "relay " + endpoint + " -> " + config.target() + " (" + transport.id() + ")";
    }
}
