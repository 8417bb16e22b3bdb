package dev.socketkit.loadgen;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.Failures;
import dev.socketkit.transport.internal.NoSharedAlpnException;
import dev.socketkit.transport.internal.TlsContexts;
import dev.socketkit.transport.internal.TlsFailures;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * The client side of TLS for one run: one {@link SslContext} for every connection (loading the trust store costs
 * milliseconds, which connrate would otherwise measure), and a new {@link SslHandler} first in each connection's
 * pipeline. Every handshake is a full one: the client resumes no session (both engines would, and connrate would
 * then measure resumptions). Immutable, so every event loop may use it.
 */
final class BenchTls {
    /** Each connection's handler, kept where a handshake that fails at once (and empties the pipeline) leaves it. */
    private static final AttributeKey<SslHandler> HANDLER = AttributeKey.valueOf("socketkit.bench.tls");

    private final SslContext context;
    private final TlsConfig config;
    private final String endpoint;
    private final String host;
    private final int port;
    private final long handshakeTimeoutMillis;
    private final boolean invalidateSessions;

    private BenchTls(SslContext context, TlsConfig config, Endpoint endpoint, Duration handshakeTimeout) {
        this.context = context;
        if (context.sessionContext() instanceof OpenSslSessionContext openSsl) {
            openSsl.setSessionCacheEnabled(false);
            invalidateSessions = false;
        } else {
            // The JDK's cache has no off switch; an invalidated session is neither kept nor offered again.
            invalidateSessions = true;
        }
        this.config = config;
        this.endpoint = endpoint.toString();
        // As the client does: a Unix socket has no host, and its server's certificate is checked for localhost.
        this.host = endpoint.kind().isUnix() ? "localhost" : endpoint.host();
        this.port = endpoint.kind().isUnix() ? -1 : endpoint.port();
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    }

    /**
     * The TLS of a run, or null when it has none.
     *
     * @throws IllegalArgumentException if the config trusts nothing
     * @throws IllegalStateException if the engine refuses the client's key or certificates
     */
    static BenchTls of(BenchConfig config) {
        TlsConfig tls = config.tls().orElse(null);
        if (tls == null) {
            return null;
        }
        try {
            return new BenchTls(TlsContexts.forClient(tls), tls, config.endpoint(), config.timeout());
        } catch (SSLException e) {
            throw new IllegalStateException(config.endpoint() + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** A handler that puts a new {@link SslHandler} first in a connection's pipeline, then {@code next}. */
    ChannelHandler initializer(ChannelHandler next) {
        return new Initializer(next);
    }

    /** Installs each connection's TLS engine before {@code next}; sharable, as it keeps nothing per channel. */
    @Sharable
    private final class Initializer extends ChannelInitializer<Channel> {
        private final ChannelHandler next;

        Initializer(ChannelHandler next) {
            this.next = next;
        }

        @Override
        protected void initChannel(Channel channel) {
            SslHandler tls = TlsContexts.newClientHandler(context, config, channel.alloc(), host, port);
            tls.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            channel.attr(HANDLER).set(tls);
            if (invalidateSessions) {
                // On close, before the next connrate cycle connects: by then any session ticket has come in.
                channel.closeFuture()
                        .addListener(closed -> tls.engine().getSession().invalidate());
            }
            channel.pipeline().addLast(tls, next);
        }
    }

    /**
     * Waits for a connected channel's handshake, and checks that ALPN, when offered, was agreed.
     *
     * @throws IllegalStateException with the one line naming the endpoint and the cause if it failed or timed out
     */
    void awaitHandshake(Channel channel, long waitMillis) throws InterruptedException {
        SslHandler tls = channel.attr(HANDLER).get();
        Future<Channel> done = tls.handshakeFuture();
        if (!done.await(waitMillis)) {
            throw new IllegalStateException("TLS handshake with " + endpoint + " timed out");
        }
        if (!done.isSuccess()) {
            throw new IllegalStateException(TlsFailures.describe(endpoint, done.cause()));
        }
        if (!config.alpn().isEmpty() && tls.applicationProtocol() == null) {
            throw new IllegalStateException(TlsFailures.describe(endpoint, new NoSharedAlpnException(config.alpn())));
        }
    }

    /** The one line for a failed connection: TLS failures in TLS words, the others as for plain sockets. */
    static String describe(String endpoint, Throwable cause) {
        return TlsFailures.isTls(cause) ? TlsFailures.describe(endpoint, cause) : Failures.describe(endpoint, cause);
    }
}
