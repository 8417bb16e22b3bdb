package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;

/** What the two kinds of {@link Request} share: the server's endpoint, the attachment, and the handler's lifecycle. */
abstract class RequestBase implements Request {
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
