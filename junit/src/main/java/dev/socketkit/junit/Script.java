package dev.socketkit.junit;

import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a {@link RecordingServer}'s handlers share with the test: the frames recorded, the reactions enqueued, and the
 * counters. The event loop fills and consumes it while the test thread reads and enqueues, so every part is
 * thread-safe.
 */
final class Script {
    final BlockingQueue<RecordedFrame> frames = new LinkedBlockingQueue<>();
    final Queue<Reaction> reactions = new ConcurrentLinkedQueue<>();
    final AtomicInteger frameCount = new AtomicInteger();
    final AtomicInteger connectionCount = new AtomicInteger();
    volatile Reaction defaultReaction = Reaction.drop();
    volatile Reaction greeting = Reaction.drop();

    /**
     * Numbers a new connection; called as it begins (accepted, and behind the PROXY protocol its header in), on the
     * server's one event loop, so in that order.
     */
    int newConnection() {
        return connectionCount.incrementAndGet();
    }

    void record(RecordedFrame frame) {
        // Counted before it can be taken, so frameCount() is never below the number of frames taken.
        frameCount.incrementAndGet();
        frames.add(frame);
    }

    /** The reaction for the frame just recorded: the next one enqueued, else the default. */
    Reaction nextReaction() {
        Reaction next = reactions.poll();
        return next != null ? next : defaultReaction;
    }

    Reaction greeting() {
        return greeting;
    }
}
