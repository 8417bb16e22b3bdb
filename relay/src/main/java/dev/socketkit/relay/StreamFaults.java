package dev.socketkit.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The stream faults, one {@link ChannelHandler} per fault, connection and direction, added last in the pipeline of the
 * channel that direction writes to (see {@link FaultHook}). Each runs on that channel's event loop only.
 */
final class StreamFaults {
    private StreamFaults() {}

    /**
     * {@return the handler of one stream fault in one direction of one connection}
     *
     * @param fault a stream fault
     * @param random its choices for this connection and direction
     * @param peer the connection's other channel, which a reset resets too
     */
    static ChannelHandler handler(Fault fault, SplittableRandom random, Channel peer) {
        return switch (fault.type()) {
            case LATENCY ->
                new Latency(
                        fault.duration("latency").toNanos(),
                        fault.duration("jitter").toNanos(),
                        random);
            case BANDWIDTH -> new Bandwidth(fault.bytes("rate"));
            case SLICER ->
                new Slicer(
                        (int) fault.bytes("average_size"),
                        (int) fault.bytes("size_variation"),
                        fault.duration("delay").toNanos(),
                        random);
            case LIMIT_DATA -> new LimitData(fault.bytes("bytes"));
            case TIMEOUT -> new Timeout(fault.duration("timeout").toNanos());
            case RESET_PEER -> new ResetPeer(fault.duration("timeout").toNanos(), peer);
            case SLOW_CLOSE -> new SlowClose(fault.duration("delay").toNanos());
            default -> throw new IllegalArgumentException(fault.type().id() + " is not a stream fault");
        };
    }

    /** Each write is held back by latency ± jitter from when it arrived, and never overtakes an earlier one. */
    static final class Latency extends PacedWriter {
        private final long latency;
        private final long jitter;
        private final SplittableRandom random;

        Latency(long latency, long jitter, SplittableRandom random) {
            this.latency = latency;
            this.jitter = jitter;
            this.random = random;
        }

        @Override
        void pace(ByteBuf buf, ChannelPromise promise, long now) {
            long delay = latency + (jitter > 0 ? random.nextLong(-jitter, jitter) : 0);
            hold(buf, promise, now + Math.max(0, delay));
        }
    }

    /**
     * At most {@code rate} bytes a second: writes are cut into slices of a fiftieth of a second's worth, and each slice
     * leaves when the time its bytes take at the rate has passed. A gap of up to {@link #CATCH_UP} with nothing to send
     * (the relay waiting for its next read) is made up, so the rate holds over a transfer on a loaded machine; after a
     * longer one the connection is idle and earns no burst.
     */
    static final class Bandwidth extends PacedWriter {
        static final long CATCH_UP = TimeUnit.MILLISECONDS.toNanos(100);

        private final long rate;
        private final int slice;

        Bandwidth(long rate) {
            this.rate = rate;
            this.slice = (int) Math.max(1, Math.min(rate / 50, 1 << 20));
        }

        @Override
        void pace(ByteBuf buf, ChannelPromise promise, long now) {
            if (rate == 0) { // Toxiproxy's 0: no limit
                hold(buf, promise, now);
                return;
            }
            boolean recent = lastDue() != Long.MIN_VALUE && lastDue() - (now - CATCH_UP) > 0;
            long t = recent ? lastDue() : now;
            while (buf.readableBytes() > slice) {
                t += nanosFor(slice);
                hold(buf.readRetainedSlice(slice), slicePromise(), t);
            }
            hold(buf, promise, t + nanosFor(buf.readableBytes()));
        }

        private long nanosFor(int bytes) {
            return (long) (bytes * 1_000_000_000.0 / rate);
        }
    }

    /** Slices of {@code average} ± {@code variation} bytes (the last of a write what remains), {@code delay} apart. */
    static final class Slicer extends PacedWriter {
        private final int average;
        private final int variation;
        private final long delay;
        private final SplittableRandom random;

        Slicer(int average, int variation, long delay, SplittableRandom random) {
            this.average = average;
            this.variation = variation;
            this.delay = delay;
            this.random = random;
        }

        @Override
        void pace(ByteBuf buf, ChannelPromise promise, long now) {
            long t = lastDue() == Long.MIN_VALUE ? now : Math.max(now, lastDue() + delay);
            while (true) {
                int size = average + (variation > 0 ? random.nextInt(-variation, variation + 1) : 0);
                if (size >= buf.readableBytes()) {
                    hold(buf, promise, t);
                    return;
                }
                hold(buf.readRetainedSlice(size), slicePromise(), t);
                t += delay;
            }
        }
    }

    /** Passes {@code limit} bytes on, then closes the connection; what comes after is dropped and its write failed. */
    static final class LimitData extends ChannelOutboundHandlerAdapter {
        private long remaining;
        private boolean closing;

        LimitData(long limit) {
            this.remaining = limit;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof ByteBuf buf)) {
                ctx.write(msg, promise);
            } else if (closing) {
                buf.release();
                promise.tryFailure(new ClosedChannelException());
            } else if (buf.readableBytes() < remaining) {
                remaining -= buf.readableBytes();
                ctx.write(buf, promise);
            } else {
                closing = true;
                ByteBuf last = buf.readRetainedSlice((int) remaining);
                remaining = 0;
                boolean whole = !buf.isReadable();
                buf.release();
                // Through the whole pipeline, so that a slow_close added later still holds the close back.
                ctx.writeAndFlush(last).addListener(f -> ctx.channel().close());
                if (whole) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(new ClosedChannelException());
                }
            }
        }
    }

    /**
     * Passes nothing (each write is dropped and its promise succeeds: the relay reads on) and closes the connection
     * after {@code timeout}; with 0, only when the fault is removed, as Toxiproxy does: the data it dropped is lost, so
     * the stream cannot go on.
     */
    static final class Timeout extends ChannelOutboundHandlerAdapter {
        private final long timeout;
        private ScheduledFuture<?> timer;

        Timeout(long timeout) {
            this.timeout = timeout;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (timeout > 0) {
                timer = ctx.executor().schedule(() -> ctx.channel().close(), timeout, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timer != null) {
                timer.cancel(false);
            }
            ctx.channel().close();
        }
    }

    /**
     * At the first data, drops it and all that follows, and {@code timeout} later resets both sides: {@code SO_LINGER}
     * 0, then close, so TCP sends an RST (a Unix socket has no reset and is closed).
     */
    static final class ResetPeer extends ChannelOutboundHandlerAdapter {
        private final long timeout;
        private final Channel peer;
        private ScheduledFuture<?> timer;

        ResetPeer(long timeout, Channel peer) {
            this.timeout = timeout;
            this.peer = peer;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            if (timer == null) {
                timer = ctx.executor().schedule(() -> reset(ctx.channel()), timeout, TimeUnit.NANOSECONDS);
            }
        }

        private void reset(Channel channel) {
            Side.reset(channel);
            Side.reset(peer);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /**
     * Holds a close, and a half-close ({@link FaultHook#END}), back by {@code delay}: the peer sees its FIN that much
     * later. Removed meanwhile, it passes them on at once.
     */
    static final class SlowClose extends ChannelOutboundHandlerAdapter {
        private final long delay;
        private final List<Runnable> held = new ArrayList<>();
        private ScheduledFuture<?> timer;

        SlowClose(long delay) {
            this.delay = delay;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg == FaultHook.END) {
                later(ctx, () -> ctx.writeAndFlush(msg, promise));
            } else {
                ctx.write(msg, promise);
            }
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            later(ctx, () -> ctx.close(promise));
        }

        /** Queues an end or a close; the first starts the one timer, so they pass in the order they came. */
        private void later(ChannelHandlerContext ctx, Runnable action) {
            held.add(action);
            if (timer == null) {
                timer = ctx.executor().schedule(this::release, delay, TimeUnit.NANOSECONDS);
            }
        }

        private void release() {
            timer = null;
            List<Runnable> now = new ArrayList<>(held);
            held.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timer != null) {
                timer.cancel(false);
            }
            release();
        }
    }
}
