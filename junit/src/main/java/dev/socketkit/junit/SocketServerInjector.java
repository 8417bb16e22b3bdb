package dev.socketkit.junit;

import dev.socketkit.client.ClientConfig;
import dev.socketkit.relay.Fault;
import dev.socketkit.relay.Relay;
import dev.socketkit.relay.RelayConfig;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ModifierSupport;

/**
 * The extension behind {@link SocketServer} and {@link SocketRelay}, registered by the annotations themselves: starts a
 * server or a relay for each annotated field or parameter and injects it; servers first, so that a relay finds the
 * server it targets running. It is package-private so that the public API stays the annotation; JUnit creates
 * it reflectively, and registers it once however many annotations a class has.
 *
 * <p>Each server goes into the extension store of the context it belongs to (the class's for static fields and
 * {@code @BeforeAll} parameters, the test's for the rest), as a {@link StoredServer}, which JUnit closes, and so stops,
 * when that context ends, whether the tests passed or not, on every JUnit version. The store is keyed by the field or
 * parameter, so a server is never started twice for one of them.
 */
final class SocketServerInjector implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(SocketServerInjector.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field :
                AnnotationSupport.findAnnotatedFields(testClass, SocketServer.class, ModifierSupport::isStatic)) {
            inject(context, field, null, SocketServer.class);
        }
        for (Field field :
                AnnotationSupport.findAnnotatedFields(testClass, SocketRelay.class, ModifierSupport::isStatic)) {
            inject(context, field, null, SocketRelay.class);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // All instances: a @Nested test's enclosing instances have fields too, and are new for each test.
        List<Object> instances = context.getRequiredTestInstances().getAllInstances();
        for (Object instance : instances) {
            for (Field field : AnnotationSupport.findAnnotatedFields(
                    instance.getClass(), SocketServer.class, ModifierSupport::isNotStatic)) {
                inject(context, field, instance, SocketServer.class);
            }
        }
        for (Object instance : instances) {
            for (Field field : AnnotationSupport.findAnnotatedFields(
                    instance.getClass(), SocketRelay.class, ModifierSupport::isNotStatic)) {
                inject(context, field, instance, SocketRelay.class);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.isAnnotated(SocketServer.class) || parameterContext.isAnnotated(SocketRelay.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        String target = "parameter '" + parameter.getName() + "' of "
                + parameterContext.getDeclaringExecutable().getName() + "()";
        // Thrown as is, JUnit adds which parameter of which method could not be resolved.
        Optional<SocketRelay> relay = parameterContext.findAnnotation(SocketRelay.class);
        if (relay.isPresent()) {
            return startRelay(extensionContext, parameter, relay.get(), parameter.getType(), target);
        }
        SocketServer annotation =
                parameterContext.findAnnotation(SocketServer.class).orElseThrow();
        return start(extensionContext, parameter, annotation, parameter.getType(), target);
    }

    /** Starts what the field's annotation ({@code annotation}: a server's or a relay's) asks for and sets the field. */
    private static void inject(
            ExtensionContext context, Field field, Object instance, Class<? extends Annotation> annotation) {
        String target = describe(field);
        String named = "@" + annotation.getSimpleName() + " ";
        if (ModifierSupport.isFinal(field)) {
            throw new ExtensionConfigurationException(named + target + " must not be final");
        }
        Object value = annotation == SocketRelay.class
                ? startRelay(context, field, field.getAnnotation(SocketRelay.class), field.getType(), target)
                : start(context, field, field.getAnnotation(SocketServer.class), field.getType(), target);
        try {
            field.setAccessible(true);
            field.set(instance, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot set " + named + target + ": " + e, e);
        }
    }

    private static String describe(Field field) {
        return "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
    }

    /** The server for {@code key} in {@code context}, started now unless it runs already; what the target wants. */
    private static Object start(
            ExtensionContext context, Object key, SocketServer annotation, Class<?> type, String target) {
        if (type != Server.class
                && type != Endpoint.class
                && type != RecordingServer.class
                && type != ClientConfig.class) {
            throw new ExtensionConfigurationException("@SocketServer " + target + " has type " + type.getName()
                    + "; it must be Server, Endpoint, RecordingServer or ClientConfig");
        }
        Object running = stored(context, key, annotation, type, target).server();
        if (type == Endpoint.class) {
            return ((Server) running).endpoint();
        }
        return type == ClientConfig.class ? clientConfigFor((Server) running) : running;
    }

    /** The stored server for {@code key} in {@code context}, started now unless it runs already. */
    private static StoredServer<?> stored(
            ExtensionContext context, Object key, SocketServer annotation, Class<?> type, String target) {
        Store store = context.getStore(NAMESPACE);
        StoredServer<?> stored = store.get(key, StoredServer.class);
        if (stored == null) {
            ServerConfig config = configOf(annotation, target);
            try {
                stored = type == RecordingServer.class
                        ? StoredServer.of(RecordingServer.start(config))
                        : StoredServer.of(Server.start(config));
            } catch (IllegalArgumentException e) {
                // A combination that cannot work anywhere, such as Unix datagrams on --io nio.
                throw new ExtensionConfigurationException("@SocketServer " + target + ": " + e.getMessage(), e);
            }
            store.put(key, stored);
        }
        return stored;
    }

    /** The relay for {@code key} in {@code context}, started now unless it runs already; what the target wants. */
    private static Object startRelay(
            ExtensionContext context, Object key, SocketRelay annotation, Class<?> type, String target) {
        if (type != Relay.class && type != Endpoint.class && type != ClientConfig.class) {
            throw new ExtensionConfigurationException("@SocketRelay " + target + " has type " + type.getName()
                    + "; it must be Relay, Endpoint or ClientConfig");
        }
        Store store = context.getStore(NAMESPACE);
        Optional<Server> server = targetServer(context, annotation.target(), key, target);
        StoredServer<?> stored = store.get(key, StoredServer.class);
        if (stored == null) {
            Endpoint to = server.map(Server::endpoint).orElseGet(() -> targetEndpoint(annotation.target(), target));
            Relay relay = Relay.start(relayConfigOf(annotation, to, target));
            stored = StoredServer.of(relay, relay::close);
            store.put(key, stored);
        }
        Relay relay = (Relay) stored.server();
        if (type == Relay.class) {
            return relay;
        }
        if (type == Endpoint.class) {
            return relay.endpoint();
        }
        ClientConfig config = ClientConfig.defaults().withEndpoint(relay.endpoint());
        if (server.isEmpty()) {
            return config;
        }
        ClientConfig framed = config.withFraming(server.get().config().framing());
        // The relay passes TLS through: the client's handshake is with the server, which the run's CA vouches for.
        return server.get().config().tls().isPresent()
                ? framed.withEndpoint(relay.endpoint().withTls(true)).withTls(TestCertificates.clientTls())
                : framed;
    }

    /**
     * The running server of the {@code @SocketServer} field {@code name}, or empty when {@code name} is an endpoint.
     * The field is looked for in the test class, its superclasses and, for a {@code @Nested} test, its enclosing
     * classes; its server was started by this extension already, before any relay.
     */
    private static Optional<Server> targetServer(ExtensionContext context, String name, Object key, String target) {
        if (name.contains(":")) {
            return Optional.empty(); // an endpoint: a field name has no colon
        }
        if (key instanceof Parameter relayParameter) {
            // Another parameter of the same method; its name is known when the class is compiled with -parameters.
            for (Parameter parameter : relayParameter.getDeclaringExecutable().getParameters()) {
                Optional<SocketServer> annotation = AnnotationSupport.findAnnotation(parameter, SocketServer.class);
                if (annotation.isPresent() && parameter.getName().equals(name)) {
                    String described = "parameter '" + name + "' of "
                            + parameter.getDeclaringExecutable().getName() + "()";
                    return Optional.of(
                            serverOf(stored(context, parameter, annotation.get(), parameter.getType(), described)));
                }
            }
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
            fields.addAll(AnnotationSupport.findAnnotatedFields(
                    type, SocketServer.class, field -> field.getName().equals(name)));
        }
        if (fields.isEmpty()) {
            throw new ExtensionConfigurationException("@SocketRelay " + target + ": target '" + name
                    + "' is neither a @SocketServer field of "
                    + context.getRequiredTestClass().getSimpleName()
                    + (key instanceof Parameter ? ", nor a @SocketServer parameter of the same method," : "")
                    + " nor an endpoint such as tcp://127.0.0.1:5432");
        }
        Field field = fields.get(0);
        if (key instanceof Field relayField
                && ModifierSupport.isStatic(relayField)
                && ModifierSupport.isNotStatic(field)) {
            throw new ExtensionConfigurationException("@SocketRelay " + target + " is static, so it cannot target "
                    + describe(field) + ", whose server starts only for each test: make one static or neither");
        }
        StoredServer<?> stored = context.getStore(NAMESPACE).get(field, StoredServer.class);
        if (stored == null) {
            throw new ExtensionConfigurationException(
                    "@SocketRelay " + target + ": the server of " + describe(field) + " is not running");
        }
        return Optional.of(serverOf(stored));
    }

    private static Server serverOf(StoredServer<?> stored) {
        Object running = stored.server();
        return running instanceof RecordingServer recording ? recording.server() : (Server) running;
    }

    private static Endpoint targetEndpoint(String text, String target) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SocketRelay " + target + ": " + e.getMessage(), e);
        }
    }

    /** A relay to {@code to} on a fresh local endpoint of its kind, passing TLS through, with the annotation's faults. */
    private static RelayConfig relayConfigOf(SocketRelay annotation, Endpoint to, String target) {
        try {
            List<Fault> faults = new ArrayList<>();
            for (String spec : annotation.faults()) {
                faults.add(Fault.parse(spec));
            }
            return RelayConfig.of(Endpoint.anyLocal(to.kind()), to.withTls(false))
                    .withIo(Io.parse(annotation.io()))
                    .withSeed(annotation.seed())
                    .withFaults(faults.toArray(Fault[]::new))
                    .validate();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SocketRelay " + target + ": " + e.getMessage(), e);
        }
    }

    /** What a socketkit client needs to talk to {@code server}: where it is, how it frames, whom to trust. */
    private static ClientConfig clientConfigFor(Server server) {
        ClientConfig config = ClientConfig.defaults()
                .withEndpoint(server.endpoint())
                .withFraming(server.config().framing());
        return server.config().tls().isPresent() ? config.withTls(TestCertificates.clientTls()) : config;
    }

    /** What the annotation asks for, on a fresh local endpoint, stopping without delay. */
    private static ServerConfig configOf(SocketServer annotation, String target) {
        SocketKind socket = annotation.socket();
        if (annotation.tls() && socket.isDatagram()) {
            throw new ExtensionConfigurationException("@SocketServer " + target + ": tls = true needs a stream socket"
                    + " (TCP or UNIX), not " + socket + "; DTLS for datagram sockets is not offered");
        }
        try {
            Endpoint endpoint = Endpoint.anyLocal(socket);
            ServerConfig config = ServerConfig.defaults()
                    .withKind(annotation.kind())
                    .withEndpoint(annotation.tls() && socket == SocketKind.TCP ? endpoint.withTls(true) : endpoint)
                    .withFraming(FramingSpec.parse(annotation.framing()))
                    .withIo(Io.parse(annotation.io()))
                    .withProxyProtocol(annotation.proxyProtocol())
                    // A test's server has no clients worth waiting for once the test is over.
                    .withShutdownTimeout(Duration.ZERO);
            return (annotation.tls() ? config.withTls(TestCertificates.serverTls()) : config).validate();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SocketServer " + target + ": " + e.getMessage(), e);
        }
    }
}
