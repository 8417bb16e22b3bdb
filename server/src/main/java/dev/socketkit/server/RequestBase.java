package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** What the two kinds of {@link Request} share: the server's endpoint, the attachment, and the handler's lifecycle. */
abstract class RequestBase implements Request {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final Endpoint endpoint;
    private Object attachment;

    RequestBase(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Runs {@code handler}'s setup and handle, then its finish whatever happened; returns the first failure (later ones
     * suppressed into it), or null.
     */
    final Throwable serveWith(BlockingHandler handler) {
        Throwable failed = null;
        try {
            handler.setup(this);
            handler.handle(this);
        } catch (Throwable e) {
            failed = e;
        } finally {
            try {
                handler.finish(this);
            } catch (Throwable e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        return failed;
    }

    /**
     * Reports that the handler failed on this request, as {@link BlockingHandler} promises: counts it, logs it once at
     * WARN naming the request and its peer, with the stack trace, and passes it to {@link ServerListener#handlerFailed}
     * on {@code loop} (at once when called there). Once the server has stopped, the listener is not called.
     */
    final void reportFailure(Throwable failure, Counters counters, ServerListener listener, EventExecutor loop) {
        counters.failures.increment();
        LOG.warn("handler failed on {}", this, failure);
        SocketAddress peer = peer();
        if (loop.inEventLoop()) {
            listener.handlerFailed(peer, failure);
            return;
        }
        try {
            loop.execute(() -> listener.handlerFailed(peer, failure));
        } catch (RejectedExecutionException stopped) {
            // The server has stopped: no listener is waiting any more.
        }
    }

    @Override
    public final Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public final Object attachment() {
        return attachment;
    }

    @Override
    public final void attach(Object value) {
        attachment = value;
    }
}
