package dev.socketkit.client;

import java.util.ArrayDeque;
import java.util.Deque;
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
        CompletableFuture<byte[]> receiver = waiting.poll();
        if (receiver != null) {
            receiver.complete(frame);
        } else {
            frames.add(frame);
        }
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

    /** Forgets a receiver that gave up waiting, so the next frame goes to a live one. */
    synchronized void cancel(CompletableFuture<byte[]> receiver) {
        waiting.remove(receiver);
    }
}
