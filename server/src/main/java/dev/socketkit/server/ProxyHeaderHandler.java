package dev.socketkit.server;

import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.transport.internal.Durations;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The front of a connection's pipeline on a server that takes the PROXY protocol, just after the header decoder ({@link
 * ProxyProtocol#newDecoder()}): nothing after it hears of the connection until its header is in. It holds back {@code
 * channelActive}; once the header is decoded it records the client ({@link ProxyProtocol#accept}), announces the
 * connection ({@link ConnectionHandler#announce}), leaves the pipeline and fires {@code channelActive}, and the decoder
 * then hands on the bytes that came after the header. So the greeting, the blocking handler's thread, the listener and
 * the log all see the real client, and the rest of the pipeline sees exactly the connection it would without a proxy.
 *
 * <p>A connection without a valid header within {@link ServerConfig#proxyHeaderTimeout()}, with bytes that cannot be
 * one, or that ends within one, is closed, counted and logged as {@link Guard#PROXY_HEADER}; one that ends before its
 * first byte (a port probe) is closed without a word. Events other than the socket's failures stay here until the
 * header is in: the rest of the pipeline never hears of a connection that did not get that far. One per connection; it
 * is its own timer task.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter implements Runnable {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final long timeoutNanos;
    private final GuardLog guards;
    private final ConnectionHandler connection;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean activeHeld;
    private boolean over;

    private ProxyHeaderHandler(ServerConfig config, GuardLog guards, ConnectionHandler connection) {
        this.timeoutNanos = config.proxyHeaderTimeout().toNanos();
        this.guards = guards;
        this.connection = connection;
    }

    /** Adds the header decoder and this handler at the end of {@code pipeline}, which must be empty so far. */
    static void addTo(ChannelPipeline pipeline, ServerConfig config, GuardLog guards, ConnectionHandler connection) {
        pipeline.addLast(ProxyProtocol.newDecoder(), new ProxyHeaderHandler(config, guards, connection));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        if (timeoutNanos > 0) {
            timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        activeHeld = true; // fired once the header is in
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            // Nothing else comes before the header; bytes the decoder drops as the connection is refused end here.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (!over) {
                accept(header);
            }
        } finally {
            header.release();
        }
    }

    private void accept(HAProxyMessage header) {
        try {
            ProxyProtocol.accept(ctx.channel(), header);
        } catch (HAProxyProtocolException unusable) {
            refuse(unusable.getMessage());
            return;
        }
        over = true;
        cancel();
        connection.announce(ctx.channel(), true, ctx.pipeline().get(ConnectionTotals.class));
        ctx.pipeline().remove(this);
        if (activeHeld) {
            ctx.fireChannelActive();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        // Not passed on: the rest of the pipeline has read nothing yet.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
            // An end within a header came as the decoder's exception; one before any byte is a port probe.
            if (!over) {
                over = true;
                cancel();
                ConnectionTotals.ending(ctx.channel(), ConnectionTotals.CLOSED); // not refused: a port probe
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof HAProxyProtocolException bad) {
            if (!over) {
                refuse(bad.getMessage());
            }
            return;
        }
        ctx.fireExceptionCaught(cause); // the socket's failures, for the connection handler to count and log
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        cancel(); // not passed on: the rest of the pipeline never saw the connection active
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        cancel();
    }

    /** The timer's task: the header did not come in time. */
    @Override
    public void run() {
        timer = null;
        if (!over && ctx.channel().isOpen()) {
            refuse("no PROXY header within " + Durations.format(Duration.ofNanos(timeoutNanos)));
        }
    }

    private void refuse(String why) {
        over = true;
        cancel();
        ConnectionTotals.ending(ctx.channel(), ConnectionTotals.end(Guard.PROXY_HEADER));
        String more = guards.acted(Guard.PROXY_HEADER);
        if (more != null) {
            LOG.warn("closing {}: {}{}", Peers.describe(ctx.channel()), Peers.printable(why), more);
        }
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
