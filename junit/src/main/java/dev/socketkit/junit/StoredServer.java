package dev.socketkit.junit;

import dev.socketkit.server.Server;
import org.junit.jupiter.api.extension.ExtensionContext.Store;

/**
 * A running server as a value of an extension store, which JUnit closes when the store's context ends, on every JUnit
 * version.
 *
 * <p>Why both interfaces: JUnit 5.10 to 5.12 close only the store values that implement {@link
 * Store.CloseableResource}, and silently keep any other {@link AutoCloseable} (such as a {@code Server}) open. JUnit
 * 5.13 and later close every {@code AutoCloseable} value and deprecate {@code CloseableResource}; they close a value
 * that is both exactly once, through {@code AutoCloseable}, and warn only about one that is {@code CloseableResource}
 * alone. Implementing both is the one form that closes everywhere without a warning.
 *
 * @param <T> the server kept: a {@code Server} or a {@code RecordingServer}
 */
@SuppressWarnings("deprecation") // CloseableResource: the only thing JUnit 5.10 to 5.12 close (see above)
final class StoredServer<T> implements AutoCloseable, Store.CloseableResource {
    private final T server;
    private final Runnable closing;

    private StoredServer(T server, Runnable closing) {
        this.server = server;
        this.closing = closing;
    }

    /** {@code server}, closed with its context. */
    static StoredServer<Server> of(Server server) {
        return new StoredServer<>(server, server::close);
    }

    /** {@code server}, closed with its context. */
    static StoredServer<RecordingServer> of(RecordingServer server) {
        return new StoredServer<>(server, server::close);
    }

    /** {@code server}, with {@code closing} run instead when its context ends (to forget it as well as close it). */
    static <T> StoredServer<T> of(T server, Runnable closing) {
        return new StoredServer<>(server, closing);
    }

    T server() {
        return server;
    }

    /** Closes the server; JUnit calls it once, whichever of the two interfaces its version knows. */
    @Override
    public void close() {
        closing.run();
    }
}
