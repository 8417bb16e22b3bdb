package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultAddressedEnvelope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs a {@link BlockingHandler} on a worker for each datagram, as Python's {@code DatagramRequestHandler} does: the
 * input holds the datagram, and what the handler wrote is sent back to the sender as one datagram after {@code finish}.
 * At most {@link #MAX_WAITING} datagrams wait for or run in handlers at once; more are dropped and counted, as a full
 * socket buffer drops them, so a flood cannot queue without bound. Sharable: one per datagram socket.
 */
@Sharable
final class BlockingDatagramBridge extends ChannelInboundHandlerAdapter {
    static final int MAX_WAITING = 1024;
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final BlockingHandler handler;
    private final Executor executor;
    private final Endpoint endpoint;
    private final Counters counters;
    private final ServerListener listener;
    private final GuardLog guards;
    private final AtomicInteger waiting = new AtomicInteger();

    BlockingDatagramBridge(
            BlockingHandler handler,
            Executor executor,
            Endpoint endpoint,
            Counters counters,
            ServerListener listener,
            GuardLog guards) {
        this.handler = handler;
        this.executor = executor;
        this.endpoint = endpoint;
        this.counters = counters;
        this.listener = listener;
        this.guards = guards;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        AddressedEnvelope<ByteBuf, SocketAddress> datagram = (AddressedEnvelope<ByteBuf, SocketAddress>) msg;
        SocketAddress sender = datagram.sender();
        if (waiting.incrementAndGet() > MAX_WAITING) {
            // Checked before the copy: under overload, a datagram that is dropped is not copied first.
            waiting.decrementAndGet();
            datagram.release();
            String more = guards.acted(Guard.DATAGRAM_OVERLOAD);
            if (more != null) {
                LOG.warn("dropped a datagram from {}: {} already wait for the handler{}", sender, MAX_WAITING, more);
            }
            return;
        }
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(datagram.content());
        } catch (RuntimeException e) {
            waiting.decrementAndGet();
            throw e;
        } finally {
            datagram.release();
        }
        try {
            executor.execute(() -> {
                try {
                    serve(ctx, sender, data);
                } finally {
                    waiting.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException stopping) {
            waiting.decrementAndGet();
            counters.guarded(Guard.DATAGRAM_OVERLOAD); // the server is stopping: nothing to warn about
        }
    }

    private void serve(ChannelHandlerContext ctx, SocketAddress sender, byte[] data) {
        DatagramRequest request = new DatagramRequest(sender, data);
        Throwable failed = request.serveWith(handler);
        if (failed != null) {
            request.reportFailure(failed, counters, listener, ctx.executor());
        } else if (request.output.size() > 0) {
            ctx.writeAndFlush(
                    new DefaultAddressedEnvelope<>(Unpooled.wrappedBuffer(request.output.toByteArray()), sender),
                    ctx.voidPromise());
        }
    }

    /** One datagram as the handler sees it. */
    private final class DatagramRequest extends RequestBase {
        private final SocketAddress sender;
        private final ByteArrayInputStream input;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();

        DatagramRequest(SocketAddress sender, byte[] data) {
            super(endpoint);
            this.sender = sender;
            this.input = new ByteArrayInputStream(data);
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public SocketAddress peer() {
            return sender;
        }

        @Override
        public boolean isDatagram() {
            return true;
        }

        @Override
        public String toString() {
            return "datagram from " + sender + " to " + endpoint();
        }
    }
}
