package dev.socketkit.client;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Frames received and not yet taken, and receivers waiting for one; then the end of input or a failure. Filled on the
 * event loop, emptied by any thread: every method holds the lock.
 */
final class Inbox {
    private final Deque<byte[]> frames = new ArrayDeque<>();
    private final Deque<CompletableFuture<byte[]>> waiting = new ArrayDeque<>();
    private ClientException end;

    synchronized void add(byte[] frame) {
        // A receiver the caller cancelled (receiveAsync's future) takes nothing: the frame goes to the next one.
        CompletableFuture<byte[]> receiver;
        while ((receiver = waiting.poll()) != null) {
            if (receiver.complete(frame)) {
                return;
            }
        }
        frames.add(frame);
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

    /** The next frame, now or when it comes; fails with the end reason once frames are exhausted. */
    synchronized CompletableFuture<byte[]> next() {
        byte[] frame = frames.poll();
        if (frame != null) {
            return CompletableFuture.completedFuture(frame);
        }
        if (end != null) {
            return CompletableFuture.failedFuture(end);
        }
        CompletableFuture<byte[]> receiver = new CompletableFuture<>();
        waiting.add(receiver);
        return receiver;
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
            frames.addFirst(receiver.join());
        }
        for (int i = taken.size() - 1; i >= 0; i--) {
            frames.addFirst(taken.get(i));
        }
    }
}
