package dev.socketkit.loadgen;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * A worker that owns one connected channel for the whole run (pingpong, stream, datagram): the life cycle they share.
 * A worker ends once, by finishing its last operation after the window, by an error or a mismatch, or by being
 * abandoned; only the first counts.
 */
abstract class ChannelWorker extends ChannelInboundHandlerAdapter implements Worker {
    final Run run;
    ChannelHandlerContext ctx;
    LoopStats stats;
    Window window;
    private final int index;
    private Pacer pacer;
    private boolean finished;

    /** Worker {@code index} of the run's connections; the index spreads paced sends over the interval. */
    ChannelWorker(Run run, int index) {
        this.run = run;
        this.index = index;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
    }

    @Override
    public final void start(Window runWindow) {
        window = runWindow;
        if (run.config.rate() > 0) {
            pacer = new Pacer(window.start(), run.pacedIntervalNanos(), index, run.config.connections());
        }
        stats = run.stats(ctx.executor());
        stats.register(this);
        if (finished) {
            return;
        }
        if (!ctx.channel().isActive()) {
            fail("connection to " + run.endpoint + " closed before the run started");
            return;
        }
        next(System.nanoTime());
    }

    /** Sends the first message of an operation; {@code due} is when it was meant to go (latency starts there). */
    abstract void send(long due);

    /**
     * Starts the next operation: at once, or under a rate ({@link BenchConfig#withRate}) when it is due. Finishes instead
     * when the window is over, or when the next send would only be due after it.
     */
    final void next(long now) {
        if (finished) {
            return;
        }
        if (window.isOver(now)) {
            finish();
            return;
        }
        if (pacer == null) {
            send(now);
            return;
        }
        long due = pacer.next();
        if (window.isOver(due)) {
            finish(); // nothing sent from now on could complete inside the window
        } else if (due - now <= 0) {
            send(due); // behind schedule: send at once, and count the wait from when it was due
        } else {
            ctx.executor().schedule(() -> sendWhenDue(due), due - now, TimeUnit.NANOSECONDS);
        }
    }

    private void sendWhenDue(long due) {
        if (!finished) {
            send(due);
        }
    }

    final boolean isFinished() {
        return finished;
    }

    /** Ends this worker: its last operation is done, or it failed. */
    final void finish() {
        if (!finished) {
            finished = true;
            ctx.close();
            run.done.countDown();
        }
    }

    /** Counts an error and ends this worker. */
    final void fail(String what) {
        if (!finished) {
            run.outcome.error(what);
            finish();
        }
    }

    /** Counts a mismatch and ends this worker: a byte stream that is out of step stays so. */
    final void mismatch(String what) {
        if (!finished) {
            run.outcome.mismatch(what);
            finish();
        }
    }

    @Override
    public final void abandon() {
        if (!finished) {
            finished = true;
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        fail("connection closed by " + run.endpoint);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (!(cause instanceof ClosedChannelException)) { // a write after the close, which channelInactive counted
            fail(BenchTls.describe(run.endpoint, cause));
        }
    }
}
