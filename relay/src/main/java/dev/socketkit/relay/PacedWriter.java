package dev.socketkit.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The stream faults that hold data back (latency, bandwidth, slicer): writes wait in a queue, each with the time it
 * is due, and are passed on in order by a timer on the channel's event loop. A write's promise is the one passed on,
 * so it completes only when its data does, and the relay's high mark bounds what is held. Removed (the fault is
 * removed, or the channel closed and its pipeline torn down), it passes everything held on at once, in order; on a
 * closed channel those writes fail and release their buffers.
 */
abstract class PacedWriter extends ChannelOutboundHandlerAdapter {
    private record Held(Object message, ChannelPromise promise, long due) {}

    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long lastDue = Long.MIN_VALUE;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
    }

    @Override
    public final void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            pace(buf, promise, System.nanoTime());
        } else {
            // An empty buffer or another message: no bytes to pace, but it must not overtake what is held.
            hold(msg, promise, queue.isEmpty() ? System.nanoTime() : lastDue);
        }
    }

    /**
     * Queues one buffer, whole or in slices, with {@link #hold}; takes ownership of it.
     *
     * @param buf a readable buffer
     * @param promise the write's promise, to pass on with the buffer's last byte
     * @param now {@link System#nanoTime()}
     */
    abstract void pace(ByteBuf buf, ChannelPromise promise, long now);

    /** {@return when the last queued write is due, or {@link Long#MIN_VALUE} before the first} */
    final long lastDue() {
        return lastDue;
    }

    /** {@return a promise for a slice that is not a write's last; its outcome is the last slice's too} */
    final ChannelPromise slicePromise() {
        return ctx.newPromise();
    }

    /**
     * Queues a write to pass on at {@code due} (never before one queued earlier).
     *
     * @param message what to write
     * @param promise its promise
     * @param due {@link System#nanoTime()} it is due
     */
    final void hold(Object message, ChannelPromise promise, long due) {
        long at = Math.max(due, lastDue);
        lastDue = at;
        queue.add(new Held(message, promise, at));
        if (timer == null) {
            release();
        }
    }

    private void release() {
        timer = null;
        long now = System.nanoTime();
        while (!queue.isEmpty() && queue.peek().due() - now <= 0) {
            Held held = queue.poll();
            // A flush each: a slicer's slices must leave as separate writes, not coalesce into one.
            ctx.writeAndFlush(held.message(), held.promise());
        }
        if (!queue.isEmpty()) {
            timer = ctx.executor().schedule(this::release, queue.peek().due() - now, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        // Removal passes everything on, in order: on an open channel the data goes on unpaced (as Toxiproxy's
        // toxics hand their held chunk on when interrupted); on a closed one each write fails and is released.
        Held held;
        while ((held = queue.poll()) != null) {
            context.write(held.message(), held.promise());
        }
        context.flush();
    }
}
