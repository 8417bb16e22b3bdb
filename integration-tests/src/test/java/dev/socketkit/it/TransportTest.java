package dev.socketkit.it;

import dev.socketkit.transport.Transport;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the annotated test once per {@link Transport}, each run reported and rerunnable on its own. The test starts its
 * server through {@link Transports#start}, which reports a transport this machine lacks as skipped, with the reason.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(Transport.class)
@interface TransportTest {}
