package dev.socketkit.junit;

import dev.socketkit.client.ClientConfig;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import java.lang.reflect.Field;
import java.lang.reflect.Parameter;
import java.time.Duration;
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
 * The extension behind {@link SocketServer}, registered by the annotation itself: starts a server for each annotated
 * field or parameter and injects it. It is package-private so that the public API stays the annotation; JUnit creates
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
            inject(context, field, null);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // All instances: a @Nested test's enclosing instances have fields too, and are new for each test.
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : AnnotationSupport.findAnnotatedFields(
                    instance.getClass(), SocketServer.class, ModifierSupport::isNotStatic)) {
                inject(context, field, instance);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.isAnnotated(SocketServer.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        SocketServer annotation =
                parameterContext.findAnnotation(SocketServer.class).orElseThrow();
        String target = "parameter '" + parameter.getName() + "' of "
                + parameterContext.getDeclaringExecutable().getName() + "()";
        // Thrown as is, JUnit adds which parameter of which method could not be resolved.
        return start(extensionContext, parameter, annotation, parameter.getType(), target);
    }

    private static void inject(ExtensionContext context, Field field, Object instance) {
        String target = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
        if (ModifierSupport.isFinal(field)) {
            throw new ExtensionConfigurationException("@SocketServer " + target + " must not be final");
        }
        SocketServer annotation =
                AnnotationSupport.findAnnotation(field, SocketServer.class).orElseThrow();
        Object value = start(context, field, annotation, field.getType(), target);
        try {
            field.setAccessible(true);
            field.set(instance, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot set @SocketServer " + target + ": " + e, e);
        }
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
        Object running = stored.server();
        if (type == Endpoint.class) {
            return ((Server) running).endpoint();
        }
        return type == ClientConfig.class ? clientConfigFor((Server) running) : running;
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
