package dev.socketkit.it;

import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the annotated test once per pair of {@link Transport} and {@link SocketKind}, the test's two parameters, each
 * run named (such as {@code EPOLL UNIXGRAM}) and rerunnable on its own, so that a failing kind hides none of the
 * others. The test starts with {@link Transports#assumeCarries}: a transport this machine lacks, or a pair that cannot
 * exist (Unix datagrams on NIO or io_uring), is then reported skipped with the reason, never passed unrun.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0} {1}")
@MethodSource("dev.socketkit.it.Transports#withEveryKind")
@interface TransportAndKindTest {}
