package dev.socketkit.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * As {@link TransportAndStreamKindTest}, once in plain text and once over TLS: the test's parameters are the {@link
 * dev.socketkit.transport.Transport}, the stream {@link dev.socketkit.transport.SocketKind} and the {@link Security},
 * each run named (such as {@code EPOLL UNIX TLS}) and rerunnable on its own. The test starts with {@link
 * Transports#assumeCarries}, so an impossible pair is reported skipped with the reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0} {1} {2}")
@MethodSource("dev.socketkit.it.Transports#withStreamKindsAndSecurity")
@interface TransportKindAndSecurityTest {}
