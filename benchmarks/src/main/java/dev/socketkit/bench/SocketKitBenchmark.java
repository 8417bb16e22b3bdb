package dev.socketkit.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every benchmark in this module shares, which JMH reads from a superclass: per-thread state, average
 * time in nanoseconds, 5 warm-up and 5 measured iterations of a second, and one fork given the {@link Forks} flags.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {Forks.NO_LEAK_DETECTION, Forks.SIMPLE_LOGGER, Forks.HEAP, Forks.HEAP_MAX})
public abstract class SocketKitBenchmark {
    /** For subclasses only. */
    protected SocketKitBenchmark() {}
}
