package dev.socketkit.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Frames received and not yet taken, and receivers waiting for one; then the end of input or a failure. Filled on the
 * event loop, emptied by any thread: every method holds the lock, and lets go of it before it runs the room-made
 * listener, which hands work to the event loop.
 *
 * <p>The frames held are bounded in bytes: once they reach the limit the inbox is full, and the client stops reading
 * from the socket until the caller has taken them down to half the limit. Half, not just below the limit, so that a
 * caller taking one frame at a time does not switch reading off and on for every frame.
 */
final class Inbox {
    private final Deque<byte[]> frames = new ArrayDeque<>();
    private final Deque<CompletableFuture<byte[]>> waiting = new ArrayDeque<>();
    private final long limit;
    private long bytes;
    private boolean full;
    private Runnable roomMade = () -> {};
    private ClientException end;

    /** An inbox that is full once it holds {@code limit} bytes of frames. */
    Inbox(long limit) {
        this.limit = limit;
    }

    /** Runs {@code listener}, outside the lock, whenever taking frames ends a full spell. */
    synchronized void onRoomMade(Runnable listener) {
        roomMade = listener;
    }

    /**
     * Hands {@code frame} to the first live receiver, or keeps it.
     *
     * @return whether there is room for more; false means the reader should stop until {@link #onRoomMade} fires
     */
    synchronized boolean add(byte[] frame) {
        // A receiver the caller cancelled (receiveAsync's future) takes nothing: the frame goes to the next one.
        CompletableFuture<byte[]> receiver;
        while ((receiver = waiting.poll()) != null) {
            if (receiver.complete(frame)) {
                return !full;
            }
        }
        keep(frame, false);
        return !full;
    }

    /** {@return whether the inbox holds less than its limit, as far as reading is concerned} */
    synchronized boolean hasRoom() {
        return !full;
    }

    /** No frame comes after {@code reason} (the peer closed, or the connection failed). */
    synchronized void end(ClientException reason) {
        if (end == null) {
            end = reason;
        }
        for (CompletableFuture<byte[]> receiver : waiting) {
            receiver.completeExceptionally(end);
        }
        waiting.clear();
    }

    /** {@return why no more frames come, once that is known; null while the connection is open} */
    synchronized ClientException endReason() {
        return end;
    }

    /** The next frame, now or when it comes; fails with the end reason once frames are exhausted. */
    CompletableFuture<byte[]> next() {
        CompletableFuture<byte[]> next;
        Runnable listener = null;
        synchronized (this) {
            byte[] frame = frames.poll();
            if (frame != null) {
                bytes -= frame.length;
                if (full && bytes <= limit / 2) {
                    full = false;
                    listener = roomMade;
                }
                next = CompletableFuture.completedFuture(frame);
            } else if (end != null) {
                next = CompletableFuture.failedFuture(end);
            } else {
                next = new CompletableFuture<>();
                waiting.add(next);
            }
        }
        if (listener != null) {
            listener.run();
        }
        return next;
    }

    /**
     * Forgets a receiver whose caller stopped waiting (it timed out or was interrupted), so the next frame goes to a
     * live one. A frame it was given after its caller stopped looking goes back to the front, for the next receive:
     * a timeout loses no data, as with a socket's read timeout.
     */
    void giveUp(CompletableFuture<byte[]> receiver) {
        giveUp(receiver, List.of());
    }

    /**
     * {@link #giveUp(CompletableFuture)}, and puts {@code taken}, frames the caller received but cannot return, back
     * in front of that frame, in their order.
     */
    synchronized void giveUp(CompletableFuture<byte[]> receiver, List<byte[]> taken) {
        if (!waiting.remove(receiver) && receiver.isDone() && !receiver.isCompletedExceptionally()) {
            keep(receiver.join(), true);
        }
        for (int i = taken.size() - 1; i >= 0; i--) {
            keep(taken.get(i), true);
        }
    }

    private void keep(byte[] frame, boolean inFront) {
        if (inFront) {
            frames.addFirst(frame);
        } else {
            frames.addLast(frame);
        }
        bytes += frame.length;
        if (bytes >= limit) {
            full = true;
        }
    }
}
