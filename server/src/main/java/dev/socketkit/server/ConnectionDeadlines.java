package dev.socketkit.server;

import dev.socketkit.codec.FrameProgress;
import dev.socketkit.codec.Framing;
import dev.socketkit.transport.internal.Durations;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The deadlines of one stream connection, each closing it when passed, counted and logged as its {@link Guard}:
 *
 * <ul>
 *   <li><b>idle</b>: nothing read and nothing written for {@link ServerConfig#idleTimeout()};
 *   <li><b>frame</b>: a frame has begun and is not complete within {@link ServerConfig#frameTimeout()} (a slowloris:
 *       one byte now and then, never a whole frame, never idle);
 *   <li><b>write</b>: the peer keeps the connection unable to take writes (more than the high-water mark waits for
 *       it to read) for {@link ServerConfig#writeTimeout()}.
 * </ul>
 *
 * <p>It sits at the head of the pipeline (after TLS and the hex dump, when on), so it sees every read batch, every
 * flush and every change of writability whatever the server's handler does. It is also that place's byte counter
 * ({@link TrafficCounter}, which it counts through): one handler where there were two, so one pipeline context less
 * for every connection and one handler less on every read and write. Reads and flushes only note the time, once per
 * batch (a flush while the batch ends takes the batch's time: one clock read, not two, per echoed batch); one timer
 * per connection is armed for the nearest deadline and re-armed when it fires early, so a busy connection costs a
 * {@code System.nanoTime()} per batch and a timer event per timeout period. The handler is its own timer task, so that
 * it costs each connection no object more. A new connection's first timer, the idle one, is armed by its server's
 * {@link DeadlineStarts} within a second (or the idle timeout, if shorter) of the open, before the deadline: a
 * connection that closes sooner, as most do under a stream of short connections, never has a timer.
 *
 * <p>While the server itself is not reading (backpressure, or a busy blocking handler), the idle and frame clocks
 * stand still: the peer cannot finish a frame the server does not read. The write clock runs on, since it is what
 * ends a peer that never reads.
 */
final class ConnectionDeadlines extends ChannelDuplexHandler implements Runnable {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final long idleNanos;
    private final long frameNanos;
    private final long writeNanos;
    private final GuardLog guards;
    private final TrafficCounter counter;
    private final DeadlineStarts starts;

    /** Whether on its loop's list in {@link DeadlineStarts}, waiting for its idle timer; the list's links. */
    boolean waiting;

    ConnectionDeadlines previousWaiting;
    ConnectionDeadlines nextWaiting;

    private ChannelHandlerContext ctx;
    private FrameProgress progress;
    private boolean started;
    private long lastActivity;
    private boolean framePending;
    private long frameSince;
    private int partialBefore;
    private long batchBytes;
    private boolean endingBatch;
    private boolean unwritable;
    private long unwritableSince;
    private ScheduledFuture<?> timer;
    private long timerAt;

    /**
     * Deadlines as {@code config} sets them; the frame deadline only for framings with a decoder. {@code counter} is the
     * head counter this handler stands in for; {@code starts} arms the idle timer, and is null if there is none.
     */
    ConnectionDeadlines(ServerConfig config, GuardLog guards, TrafficCounter counter, DeadlineStarts starts) {
        this.idleNanos = config.idleTimeout().toNanos();
        this.frameNanos = config.framing().kind() == Framing.Kind.RAW
                ? 0
                : config.frameTimeout().toNanos();
        this.writeNanos = config.writeTimeout().toNanos();
        this.guards = guards;
        this.counter = counter;
        this.starts = starts;
    }

    /** The server's deadline starts for {@code config}, or null when it has no idle timeout. */
    static DeadlineStarts startsFor(ServerConfig config) {
        return config.idleTimeout().isZero()
                ? null
                : new DeadlineStarts(config.idleTimeout().toNanos());
    }

    /** Whether {@code config} sets any deadline this handler would keep. */
    static boolean anyIn(ServerConfig config) {
        return !config.idleTimeout().isZero()
                || !config.writeTimeout().isZero()
                || (!config.frameTimeout().isZero() && config.framing().kind() != Framing.Kind.RAW);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        lastActivity = System.nanoTime();
        if (idleNanos > 0) {
            if (DeadlineStarts.defers(ctx.executor())) {
                starts.add(ctx.executor(), this);
            } else {
                arm(lastActivity + idleNanos);
            }
        }
    }

    /** Called by {@link DeadlineStarts} on this connection's loop: arms the idle timer, if still open. */
    void armIdle() {
        if (ctx.channel().isOpen()) {
            arm(lastActivity + idleNanos);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        counter.countRead(msg);
        if (frameNanos > 0 && msg instanceof ByteBuf data) {
            batchBytes += data.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        lastActivity = now;
        if (frameNanos > 0) {
            noteFrame(now);
        }
        endingBatch = true;
        try {
            ctx.fireChannelReadComplete();
        } finally {
            endingBatch = false;
        }
    }

    /**
     * After a read batch the decoder has cut what it could: what it still holds is a frame begun and not complete. It
     * consumes bytes only by cutting frames, so holding fewer than before plus the batch means a frame was completed,
     * and what it holds now began since.
     */
    private void noteFrame(long now) {
        if (progress == null) {
            progress = Framing.progressOf(ctx.pipeline());
            if (progress == null) {
                return;
            }
        }
        int partial = progress.partialBytes();
        boolean completed = partial < partialBefore + batchBytes;
        partialBefore = partial;
        batchBytes = 0;
        if (partial == 0) {
            framePending = false;
        } else if (!framePending || completed) {
            framePending = true;
            frameSince = now;
            arm(now + frameNanos);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        counter.countWritten(msg);
        ctx.write(msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counter.noteFailure(ctx, cause);
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!endingBatch) {
            // A flush at the end of a read batch (an echo's) happened at the time just noted for the batch.
            lastActivity = System.nanoTime();
        }
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean nowUnwritable = !ctx.channel().isWritable();
        if (nowUnwritable && !unwritable) {
            unwritableSince = System.nanoTime();
            if (writeNanos > 0) {
                arm(unwritableSince + writeNanos);
            }
        }
        unwritable = nowUnwritable;
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** The timer's task: closes the connection if a deadline has passed, or re-arms for the nearest one. */
    @Override
    public void run() {
        timer = null;
        if (!ctx.channel().isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (unwritable && writeNanos > 0 && now - unwritableSince >= writeNanos) {
            close(Guard.WRITE_TIMEOUT, "the peer read too little of what it was sent for", writeNanos);
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            // The server is not reading: neither silence nor an unfinished frame is the peer's doing.
            lastActivity = now;
            frameSince = now;
        }
        if (framePending && frameNanos > 0 && now - frameSince >= frameNanos) {
            close(Guard.FRAME_TIMEOUT, "a frame begun and not complete within", frameNanos);
            return;
        }
        if (idleNanos > 0 && now - lastActivity >= idleNanos) {
            close(Guard.IDLE_TIMEOUT, "nothing read or written for", idleNanos);
            return;
        }
        long next = Long.MAX_VALUE;
        if (idleNanos > 0) {
            next = lastActivity + idleNanos;
        }
        if (framePending && frameNanos > 0) {
            next = Math.min(next, frameSince + frameNanos);
        }
        if (unwritable && writeNanos > 0) {
            next = Math.min(next, unwritableSince + writeNanos);
        }
        if (next != Long.MAX_VALUE) {
            arm(next);
        }
    }

    /** Makes sure the timer fires no later than {@code deadline}; an earlier timer is kept, and re-arms itself. */
    private void arm(long deadline) {
        if (timer != null) {
            if (timerAt - deadline <= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = ctx.executor().schedule(this, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (starts != null) {
            starts.remove(ctx.executor(), this);
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void close(Guard guard, String why, long nanos) {
        ConnectionTotals.ending(ctx.channel(), ConnectionTotals.end(guard));
        String more = guards.acted(guard);
        if (more != null) {
            LOG.warn(
                    "closing {}: {} {}{}",
                    Peers.describe(ctx.channel()),
                    why,
                    Durations.format(Duration.ofNanos(nanos)),
                    more);
        }
        ctx.close();
    }
}
