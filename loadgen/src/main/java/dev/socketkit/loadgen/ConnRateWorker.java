package dev.socketkit.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.SocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Connrate: one loop of connect, send one message, read it back verified, close, on one event loop. A cycle's latency
 * runs from the connect call until the channel is closed, as the harness's load generator measures it; a failed cycle
 * is counted and the loop goes on, after a short pause when it failed, so a dead server is not hammered.
 */
final class ConnRateWorker implements Worker {
    private static final long RETRY_PAUSE_MILLIS = 10;

    private final Run run;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SocketAddress remote;
    private final SplittableRandom random;
    private final boolean tls;
    private final int size;
    private LoopStats stats;
    private Window window;
    private boolean finished;
    private Cycle current;

    /**
     * {@code bootstrap} must have {@code loop} as its group; the worker sets its handler. With {@code tls} (null for
     * none) each cycle is connect, a full handshake, the message and its echo, close.
     */
    ConnRateWorker(
            Run run, EventLoop loop, Bootstrap bootstrap, SocketAddress remote, BenchTls tls, SplittableRandom random) {
        this.run = run;
        this.loop = loop;
        CycleHandler cycles = new CycleHandler();
        this.bootstrap =
                bootstrap.handler(Bench.withHeader(run.config, tls == null ? cycles : tls.initializer(cycles)));
        this.tls = tls != null;
        this.remote = remote;
        this.random = random;
        this.size = run.config.size();
    }

    @Override
    public void start(Window runWindow) {
        window = runWindow;
        stats = run.stats(loop);
        stats.register(this);
        next();
    }

    private void next() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        if (window.isOver(now)) {
            finish();
            return;
        }
        Cycle cycle = new Cycle(now, Payloads.offset(random));
        current = cycle;
        ChannelFuture connect = bootstrap.connect(remote);
        cycle.channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                cycle.fail(BenchTls.describe(run.endpoint, f.cause()));
            }
        });
        if (tls) {
            // A task: a TLS engine closes the channel on a peer's alert before the alert's exception, which says
            // why, reaches the cycle's handler.
            connect.channel().closeFuture().addListener(f -> loop.execute(() -> closed(cycle)));
        } else {
            connect.channel().closeFuture().addListener(f -> closed(cycle));
        }
    }

    /** A cycle's channel is closed: record it if it was verified, and start the next. */
    private void closed(Cycle cycle) {
        long now = System.nanoTime();
        current = null;
        // Here rather than in channelInactive, which Netty fires only after the close future's listeners. The message
        // is built only when fail would keep it, so a verified cycle costs no string.
        if (!cycle.verified && !cycle.failed) {
            cycle.fail("connection closed by " + run.endpoint + " after " + cycle.received + " of " + size + " bytes");
        }
        if (cycle.verified && window.counts(now)) {
            stats.record(now - cycle.start, size);
        }
        if (finished) {
            return;
        }
        if (window.isOver(now)) {
            finish();
        } else if (cycle.failed) {
            loop.schedule(this::next, RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            next();
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            run.done.countDown();
        }
    }

    @Override
    public void tick(long now) {
        Cycle cycle = current;
        if (cycle != null && !cycle.verified && !cycle.failed && now - cycle.start > run.timeoutNanos) {
            cycle.fail("no echo from " + run.endpoint + " within "
                    + run.config.timeout().toMillis() + " ms of connecting (" + cycle.received + " of " + size
                    + " bytes back)");
            cycle.channel.close();
        }
    }

    @Override
    public void abandon() {
        finished = true;
        if (current != null) {
            current.channel.close();
        }
    }

    /**
     * One connect-send-receive-close cycle. Its state is its own: the previous cycle's channel may still be reporting
     * its close while the next one connects.
     */
    private final class Cycle {
        final long start;
        final int offset;
        Channel channel;
        int received;
        boolean verified;
        boolean failed;

        Cycle(long start, int offset) {
            this.start = start;
            this.offset = offset;
        }

        void fail(String what) {
            if (!verified && !failed) {
                failed = true;
                if (!finished) {
                    run.outcome.error(what);
                }
            }
        }
    }

    /**
     * The handler of every cycle's channel, shared so that a cycle costs no bootstrap copy. An event from a channel that
     * is not the current cycle's (the previous one closing) has nothing left to do.
     */
    @Sharable
    private final class CycleHandler extends ChannelInboundHandlerAdapter {
        private Cycle cycleOf(ChannelHandlerContext ctx) {
            Cycle cycle = current;
            return cycle != null && cycle.channel == ctx.channel() ? cycle : null;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Cycle cycle = cycleOf(ctx);
            if (cycle != null && !tls) {
                ctx.writeAndFlush(run.payloads.slice(cycle.offset, size), ctx.voidPromise());
            }
        }

        /** With TLS the message goes once the handshake is done; a failed one closes the channel itself. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            Cycle cycle = cycleOf(ctx);
            if (cycle != null && evt instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    ctx.writeAndFlush(run.payloads.slice(cycle.offset, size), ctx.voidPromise());
                } else {
                    cycle.fail(BenchTls.describe(run.endpoint, handshake.cause()));
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            try {
                Cycle cycle = cycleOf(ctx);
                if (cycle == null || cycle.verified || cycle.failed) {
                    return;
                }
                int count = data.readableBytes();
                int received = cycle.received;
                if (received + count > size
                        || !run.payloads.matches(data, data.readerIndex(), cycle.offset + received, count)) {
                    cycle.failed = true;
                    if (!finished) {
                        run.outcome.mismatch("the echo of a " + size + "-byte message "
                                + (received + count > size ? "has " + (received + count) + " bytes" : "differs"));
                    }
                    ctx.close();
                    return;
                }
                cycle.received = received + count;
                if (cycle.received == size) {
                    cycle.verified = true;
                    ctx.close();
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Cycle cycle = cycleOf(ctx);
            if (cycle != null) {
                cycle.fail(BenchTls.describe(run.endpoint, cause));
            }
            ctx.close();
        }
    }
}
