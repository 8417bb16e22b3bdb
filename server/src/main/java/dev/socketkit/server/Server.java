package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.Durations;
import dev.socketkit.transport.internal.Failures;
import dev.socketkit.transport.internal.ServerTls;
import dev.socketkit.transport.internal.UnixSocketFile;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A running socketkit server. Start one with {@link #start}; {@link #endpoint()} tells where it really listens, and
 * {@link #close()} drains and stops it: new connections taken for the configured drain delay, then none; pending writes
 * finished (up to the configured timeout), connections closed, threads stopped, socket file removed. Closing twice is
 * harmless.
 *
 * <p>Every connection is served independently on the event loop: a slow, faulty or hostile peer affects only its own
 * connection.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final ServerConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final List<Channel> channels;
    private final Endpoint endpoint;
    private final UnixSocketFile socketFile;
    private final Set<Channel> connections;
    private final Counters counters;
    private final ExecutorService workers;
    private final ServerTls tls;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Server(
            ServerConfig config,
            Transport transport,
            EventLoopGroup group,
            List<Channel> channels,
            Endpoint endpoint,
            UnixSocketFile socketFile,
            Set<Channel> connections,
            Counters counters,
            ExecutorService workers,
            ServerTls tls) {
        this.config = config;
        this.transport = transport;
        this.group = group;
        this.channels = List.copyOf(channels);
        this.endpoint = endpoint;
        this.socketFile = socketFile;
        this.connections = connections;
        this.counters = counters;
        this.workers = workers;
        this.tls = tls;
    }

    /**
     * Binds a server as {@code config} says and starts serving; returns once it is listening.
     *
     * @param config what to serve, where, and how
     * @return the running server; close it to stop it
     * @throws IllegalArgumentException if the configuration cannot work anywhere (a transport without that kind of
     *     socket, a socket option that does not apply, a Unix path longer than the OS allows, several listeners on a
     *     transport that cannot share a port among them)
     * @throws IllegalStateException if the chosen transport is not available on this machine
     * @throws ServerException if binding fails (address in use, permission denied, a socket file in the way)
     */
    public static Server start(ServerConfig config) {
        config.validate();
        Endpoint requested = config.endpoint();
        SocketKind kind = requested.kind();
        Transport transport = Bootstraps.select(config.io(), requested, config.socketOptions());
        ServerBootstraps.checkListeners(config, transport);
        Endpoint bindTo = requested;
        if (kind.isUnix()) {
            bindTo = ServerBootstraps.unixBindEndpoint(config, transport);
            try {
                UnixSocketFile.prepareForBind(Path.of(requested.path()));
                if (bindTo != requested) {
                    UnixSocketFile.prepareForBind(Path.of(bindTo.path()));
                }
            } catch (IOException e) {
                throw new ServerException(Failures.describeBind(requested, e), e);
            }
        } else if (requested.inetSocketAddress().isUnresolved()) {
            throw new ServerException("cannot resolve host '" + requested.host() + "' of " + requested, null);
        }

        int listeners = config.listeners();
        int threads = listeners > 1 ? listeners : kind.isStream() ? config.threads() : 1;
        EventLoopGroup group = transport.newEventLoopGroup(threads, "socketkit-server");
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        Counters counters = new Counters();
        ServerHandler handler = config.handler().orElseGet(() -> config.kind().handlerFactory(config));
        ExecutorService workers = handler instanceof BlockingHandler ? Workers.newExecutor() : null;
        ServerTls tls;
        try {
            tls = config.tls().isPresent() ? ServerBootstraps.tls(config) : null;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            if (workers != null) {
                workers.shutdownNow();
            }
            throw e;
        }
        ServerInitializer initializer = new ServerInitializer(config, handler, workers, counters, tls);
        List<Channel> channels = new ArrayList<>();
        try {
            SocketAddress address = transport.socketAddress(bindTo);
            Iterator<EventExecutor> loops = group.iterator();
            for (int i = 0; i < listeners; i++) {
                // One listener: it and its connections share the group, as in any Netty server. Several: each socket
                // and the connections it accepts stay on one event loop, so no connection is handed between cores.
                EventLoopGroup loop = listeners == 1 ? group : (EventLoop) loops.next();
                AbstractBootstrap<?, ?> bootstrap = kind.isStream()
                        ? ServerBootstraps.stream(config, transport, loop, connections, initializer)
                        : ServerBootstraps.datagram(config, transport, loop, initializer);
                ChannelFuture bound = ServerBootstraps.bind(bootstrap, address, listeners > 1);
                if (!bound.isSuccess()) {
                    throw new ServerException(Failures.describeBind(requested, bound.cause()), bound.cause());
                }
                channels.add(bound.channel());
                if (i == 0 && !kind.isUnix()) {
                    address = bound.channel().localAddress(); // the others take the port the OS chose for port 0
                }
            }
            Channel channel = channels.get(0);
            if (bindTo != requested) {
                ServerBootstraps.publish(
                        channel, bindTo, requested, config.unixMode().getAsInt());
            }
            Endpoint actual = kind.isUnix()
                    ? requested
                    : Endpoint.of(kind, (InetSocketAddress) channel.localAddress())
                            .withTls(requested.isTls());
            UnixSocketFile socketFile = kind.isUnix() ? UnixSocketFile.bound(Path.of(requested.path())) : null;
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} server on {} via {}{}: framing {}, options {}",
                        config.describeHandler(),
                        actual,
                        transport.id(),
                        listeners > 1 ? ", " + listeners + " listeners (SO_REUSEPORT)" : "",
                        config.framing(),
                        ServerBootstraps.options(channel));
            }
            if (tls != null) {
                LOG.info(
                        "TLS on {}: {} certificate {}, sha256 {}",
                        actual,
                        config.tls().get().isSelfSigned() ? "self-signed" : "the",
                        tls.subject(),
                        tls.fingerprint());
            }
            if (!config.isLocalOnly()) {
                LOG.info("{} is reachable from other hosts; guards: {}", actual, config.describeGuards());
            }
            return new Server(
                    config, transport, group, channels, actual, socketFile, connections, counters, workers, tls);
        } catch (IOException | RuntimeException e) {
            for (Channel bound : channels) {
                bound.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
            if (workers != null) {
                workers.shutdownNow();
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ServerException(Failures.describeBind(requested, e), e);
        }
    }

    /** {@return where the server listens: the requested endpoint, with the real port when port 0 was asked for} */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * {@return the certificate the server presents to new TLS connections now; empty without TLS} With certificate
     * files, this is the one last read from them; a self-signed server's is the one it made at start, which clients
     * can trust or pin.
     */
    public Optional<X509Certificate> tlsCertificate() {
        return tls == null ? Optional.empty() : Optional.of(tls.certificate());
    }

    /** {@return the transport the server runs on} */
    public Transport transport() {
        return transport;
    }

    /** {@return the configuration the server was started with} */
    public ServerConfig config() {
        return config;
    }

    /** {@return a snapshot of the server's counters: connections, bytes, frames, dropped datagrams, failures} */
    public ServerStats stats() {
        return counters.snapshot(connections.size());
    }

    /** {@return the number of connections open now (always 0 for datagram servers)} */
    public int openConnections() {
        return connections.size();
    }

    /** {@return whether {@link #close()} has been called} */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Blocks until the server's listeners are closed, by {@link #close()} from another thread (after its {@linkplain
     * ServerConfig#drainDelay() drain delay}), or until one of its sockets fails.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitClose() throws InterruptedException {
        CountDownLatch anyClosed = new CountDownLatch(1);
        for (Channel channel : channels) {
            channel.closeFuture().addListener(closed -> anyClosed.countDown());
        }
        anyClosed.await();
    }

    /**
     * Stops the server, draining it: {@link #isClosed()} turns true at once; the listeners go on accepting for the
     * {@linkplain ServerConfig#drainDelay() drain delay}, then close; open connections stop being read and have the
     * {@linkplain ServerConfig#shutdownTimeout() shutdown timeout} to finish pending writes (and running blocking
     * handlers); whatever is still open then is closed, the event loops stop, and a Unix server's socket file is
     * removed. Logs one INFO line as the drain starts and one when it is done, with what it closed. Returns when all is
     * done; closing again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration delay = config.drainDelay();
        Duration timeout = config.shutdownTimeout();
        LOG.info(
                "draining {}: {}, then open connections have {} to finish",
                endpoint,
                delay.isZero() ? "listeners close now" : "listeners close in " + Durations.format(delay),
                Durations.format(timeout));
        long started = System.nanoTime();
        sleep(delay);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Channel channel : channels) {
            if (endpoint.kind().isDatagram()) {
                channel.flush();
            }
            channel.close().awaitUninterruptibly(remainingMillis(deadline));
        }
        int open = connections.size();
        for (Channel connection : connections) {
            connection.config().setAutoRead(false);
            if (config.hasListener()) { // else the connection has no end to record
                // On its loop, before the close below: its close event says the server stopped it.
                connection.eventLoop().execute(() -> ConnectionTotals.ending(connection, ConnectionTotals.STOPPED));
            }
            ConnectionHandler.closeAfterPendingWrites(connection);
        }
        for (Channel connection : connections) {
            if (!connection.closeFuture().awaitUninterruptibly(remainingMillis(deadline))) {
                break;
            }
        }
        int late = connections.size();
        if (workers != null) {
            // Closed connections have ended every handler's input; give the handlers what is left of the deadline.
            workers.shutdown();
            try {
                if (!workers.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        // Quiet period 0: the default 2 s would add two seconds to every stop for nothing.
        group.shutdownGracefully(0, Math.max(remainingMillis(deadline), 100), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(Duration.ofSeconds(5).toMillis());
        if (socketFile != null) {
            socketFile.delete();
        }
        LOG.info(
                "stopped {} after {}: {} listener{} closed; of {} open connection{}, {} finished, {} closed at the"
                        + " drain timeout",
                endpoint,
                Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))),
                channels.size(),
                channels.size() == 1 ? "" : "s",
                open,
                open == 1 ? "" : "s",
                open - late,
                late);
    }

    /** Waits out the drain delay; an interrupt ends it early, and is kept for the caller. */
    private static void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    @Override
    public String toString() {
        return config.describeHandler() + " server on " + endpoint + " (" + transport.id() + ")";
    }
}
