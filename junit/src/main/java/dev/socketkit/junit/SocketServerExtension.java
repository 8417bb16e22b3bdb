package dev.socketkit.junit;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * A server started from any {@link ServerConfig} (a handler of your own, socket options, a framing limit), for tests
 * that need more than {@link SocketServer}'s attributes. Register it with {@code @RegisterExtension}: in a static field
 * it runs from before all tests of the class until after all of them; in an instance field, from before each test
 * until after it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SocketServerExtension upperCase = SocketServerExtension.of(ServerConfig.defaults()
 *         .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
 *         .withHandler(UpperCaseHandler::new)
 *         .withShutdownTimeout(Duration.ZERO));
 *
 * @Test
 * void answersInCapitals() {
 *     try (Client client = Client.connect(ClientConfig.defaults().withEndpoint(upperCase.endpoint()))) {
 *         assertEquals("HI", client.request("hi"));
 *     }
 * }
 * }</pre>
 *
 * <p>The configuration is used as given: use {@link Endpoint#anyLocal} for an endpoint nothing else uses, and a zero
 * {@linkplain ServerConfig#withShutdownTimeout shutdown timeout} to stop without waiting for pending answers.
 * The server is closed when its class or test ends on every JUnit version from 5.10 on (see {@link SocketServer}).
 */
public final class SocketServerExtension implements BeforeAllCallback, BeforeEachCallback {
    private static final Namespace NAMESPACE = Namespace.create(SocketServerExtension.class);

    private final ServerConfig config;
    private volatile Server server;

    private SocketServerExtension(ServerConfig config) {
        this.config = config;
    }

    /**
     * An extension that runs a server configured as {@code config} says.
     *
     * @param config the server's configuration, used as given
     * @return the extension, for a field annotated {@code @RegisterExtension}
     */
    public static SocketServerExtension of(ServerConfig config) {
        return new SocketServerExtension(Objects.requireNonNull(config, "config"));
    }

    /** Starts the server for the whole class: JUnit calls this only for an extension in a static field. */
    @Override
    public void beforeAll(ExtensionContext context) {
        startUnlessRunning(context);
    }

    /** Starts the server for this test, unless it runs for the whole class already. */
    @Override
    public void beforeEach(ExtensionContext context) {
        startUnlessRunning(context);
    }

    private void startUnlessRunning(ExtensionContext context) {
        // A @Nested class inherits a static extension: its callbacks find the enclosing class's server running.
        if (server == null) {
            Server started = Server.start(config);
            server = started;
            // JUnit closes it when this context (the class or the test) ends, whether its tests passed or not.
            context.getStore(NAMESPACE).put(this, StoredServer.of(started, () -> {
                server = null;
                started.close();
            }));
        }
    }

    /**
     * The running server.
     *
     * @return the server
     * @throws IllegalStateException outside the tests it runs for (before the class starts, or in a static method of
     *     a test class whose extension is an instance field)
     */
    public Server server() {
        Server running = server;
        if (running == null) {
            throw new IllegalStateException("no server is running for " + config
                    + ": it runs during the tests, from before all of them (static field) or before each (instance"
                    + " field)");
        }
        return running;
    }

    /**
     * {@return where the running server really listens (the real port when port 0 was asked for)} See {@link
     * #server()}.
     */
    public Endpoint endpoint() {
        return server().endpoint();
    }

    /** Such as {@code socket server extension for echo server on tcp://127.0.0.1:0 (framing raw, io auto)}. */
    @Override
    public String toString() {
        return "socket server extension for " + config;
    }
}
