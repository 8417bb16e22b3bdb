package dev.socketkit.server;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Where {@link BlockingHandler}s run: a virtual thread per task when the JVM has them, else a growing thread pool. */
final class Workers {
    private Workers() {}

    /**
     * A virtual-thread-per-task executor on Java 21 and later, found reflectively because socketkit is built for Java
     * 17; otherwise a cached pool of daemon threads named {@code socketkit-worker-N}, which grows with the connections
     * being served and lets idle threads go after a minute.
     */
    static ExecutorService newExecutor() {
        try {
            Method virtual = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) virtual.invoke(null);
        } catch (NoSuchMethodException beforeJava21) {
            return Executors.newCachedThreadPool(new NamedDaemons());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create virtual threads", e);
        }
    }

    private static final class NamedDaemons implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "socketkit-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
