package dev.socketkit.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * As {@link TransportAndKindTest}, over the datagram kinds only (udp, unixgram): for what only datagram sockets have. The test starts with
 * {@link Transports#assumeCarries}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0} {1}")
@MethodSource("dev.socketkit.it.Transports#withDatagramKinds")
@interface TransportAndDatagramKindTest {}
