package dev.socketkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A relay for a test, between the code under test and its server, to put faults on the way: started before the test,
 * closed after it, and injected into the annotated field or parameter, as {@link SocketServer} is. Two lines put
 * Toxiproxy's faults between a client and a real or recording server:
 *
 * <pre>{@code
 * @SocketServer(framing = "line")
 * RecordingServer server;
 *
 * @SocketRelay(target = "server", faults = "latency:downstream:latency=200ms")
 * Relay slow; // the client under test connects to slow.endpoint()
 *
 * @Test
 * void givesUpWhenTheServerIsSlow() {
 *     slow.faults().add(Fault.parse("timeout:downstream:timeout=0")); // and more, or fewer, while the test runs
 *     // ...
 * }
 * }</pre>
 *
 * <p>The field's or parameter's type says what is injected:
 *
 * <ul>
 *   <li>{@link dev.socketkit.relay.Relay}: the running relay, whose {@link dev.socketkit.relay.Relay#faults() faults}
 *       a test adds and removes while traffic flows, and whose {@link dev.socketkit.relay.Relay#stats() counters} it
 *       reads;
 *   <li>{@link dev.socketkit.transport.Endpoint}: where the relay listens, for the code under test to connect to;
 *   <li>{@link dev.socketkit.client.ClientConfig}: what a socketkit client needs to talk to the target through the
 *       relay: the relay's endpoint and, when the target is a {@code @SocketServer} field, that server's framing and
 *       TLS trust.
 * </ul>
 *
 * <p>The relay listens on a fresh local endpoint of the target's kind ({@code 127.0.0.1} with a free port, or a new
 * socket file in {@code java.io.tmpdir}) and forwards every connection or datagram to the target. It does not take
 * part in TLS: to a {@code tls = true} server it relays the TLS bytes as they are, so the client's handshake is with
 * the server itself, and byte-counting faults (slicer, limit_data) count TLS records' bytes.
 *
 * <p>Lifecycle as {@link SocketServer}'s: a static field's relay runs for the whole class, an instance field's or a
 * parameter's for one test. A target field is started first, whatever the order of declaration; a static relay cannot
 * target an instance field, whose server does not exist yet. A misused annotation (an unknown field, a target that is
 * neither a field nor an endpoint, a fault that does not parse or does not apply to the target's kind) fails the test
 * with an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} naming the field or parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(SocketServerInjector.class)
public @interface SocketRelay {
    /**
     * {@return where the relay forwards to} The name of a {@link SocketServer} field of the test class (or of an
     * enclosing class, for a {@code @Nested} test); for a parameter, also the name of a {@code @SocketServer}
     * parameter of the same method, when the class is compiled with {@code -parameters} (as socketkit's own build
     * and Spring Boot's do; without it parameters are called {@code arg0}, {@code arg1}, …); or an endpoint such as
     * {@code tcp://127.0.0.1:5432} or {@code unix:///run/app.sock} for a server the test did not start.
     */
    String target();

    /**
     * {@return the faults in place from the start, in the syntax of {@code socketkit relay --fault}} Such as {@code
     * "latency:downstream:latency=100ms,jitter=10ms"} or {@code "drop:upstream:rate=0.3"}. None by default; a test adds
     * and removes more through {@link dev.socketkit.relay.Relay#faults()}.
     */
    String[] faults() default {};

    /**
     * {@return the seed of every random choice the faults make (jitter, slice sizes, toxicity, drops)} {@code 0} by
     * default, so that a test makes the same choices on every run; another value makes others, again the same on every
     * run.
     */
    long seed() default 0;

    /**
     * {@return which transport carries the relay's sockets} {@code auto} (the default: the best available), {@code
     * nio}, {@code epoll}, {@code kqueue} or {@code io_uring}.
     */
    String io() default "auto";
}
