package dev.socketkit.cli;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code serve print}'s stdout: chunks from the event loops, written in the order they came by one thread of its own,
 * so that a slow stdout (a pipe nobody reads) blocks that thread and never an event loop.
 *
 * <p>Bounded: once {@link #HIGH_WATER} bytes wait, the source that handed in the last chunk is {@linkplain
 * Source#pause() paused} (it stops reading its socket, and TCP's window or the datagram socket's queue does the rest);
 * every paused source is resumed once the wait is down to {@link #LOW_WATER}. One read more than the limit may be held
 * per source, so the bytes held pass the limit by at most one read of each paused source.
 */
final class PrintOutput {
    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    /** What feeds the output: stops and starts reading its socket, from any thread. */
    interface Source {
        /** Stop reading until {@link #resume()}. */
        void pause();

        /** Read again. */
        void resume();
    }

    private final OutputStream out;
    private final LinkedBlockingQueue<ByteBuf> chunks = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final ConcurrentLinkedQueue<Source> paused = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<IOException> failed = new CompletableFuture<>();
    private final Object drained = new Object();

    /** Writes to {@code out}, which the writer flushes whenever it has nothing more queued: a stream, not a batch. */
    PrintOutput(OutputStream out) {
        this.out = out;
        Thread writer = new Thread(this::run, "socketkit-stdout");
        writer.setDaemon(true);
        writer.start();
    }

    /** {@return a future that completes with the failure once stdout cannot be written (closed, full disk)} */
    CompletableFuture<IOException> failed() {
        return failed;
    }

    /**
     * Waits until everything queued so far is written and flushed, stdout failed, or {@code timeout} passed: at the
     * end, so that what was received before a SIGTERM is not lost with the process, yet a stdout nobody reads cannot
     * hold the exit up for ever.
     *
     * @return whether everything was written
     */
    boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (queued.get() > 0 && !failed.isDone()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return !failed.isDone();
    }

    /**
     * Queues {@code chunk}, whose reference it takes, and pauses {@code from} if the queue is now over the high-water
     * mark. After a failure of stdout the chunk is dropped.
     */
    void write(ByteBuf chunk, Source from) {
        if (failed.isDone()) {
            ReferenceCountUtil.release(chunk);
            return;
        }
        long now = queued.addAndGet(chunk.readableBytes());
        chunks.add(chunk);
        if (now >= HIGH_WATER) {
            from.pause();
            paused.add(from);
            // The writer may have drained below the low-water mark before the source was in the paused queue.
            if (queued.get() <= LOW_WATER) {
                resumeAll();
            }
        }
    }

    private void run() {
        try {
            while (true) {
                ByteBuf chunk = chunks.take();
                int length = chunk.readableBytes();
                try {
                    if (!failed.isDone()) {
                        chunk.getBytes(chunk.readerIndex(), out, length);
                        if (chunks.isEmpty()) {
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    failed.complete(e);
                } finally {
                    chunk.release();
                }
                long left = queued.addAndGet(-length);
                if (left <= LOW_WATER || failed.isDone()) {
                    resumeAll(); // after a failure too: sources read on, and their chunks are dropped
                }
                if (left == 0 || failed.isDone()) {
                    synchronized (drained) {
                        drained.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resumeAll() {
        for (Source source; (source = paused.poll()) != null; ) {
            source.resume();
        }
    }
}
