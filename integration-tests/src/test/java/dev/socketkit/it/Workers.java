package dev.socketkit.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads for the client side of a test, such as a writer beside the reader; closing interrupts what still runs. */
final class Workers implements AutoCloseable {
    private final ExecutorService executor;

    Workers(int threads) {
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "it-client-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /** The task's result, or what it threw; fails if it does not finish within {@code wait}. */
    static <T> T result(Future<T> task, Duration wait) throws Exception {
        try {
            return task.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw failed;
        } catch (TimeoutException slow) {
            task.cancel(true);
            throw new AssertionError("a client task did not finish within " + wait.toMillis() + " ms", slow);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("client threads still running 10 s after being interrupted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
