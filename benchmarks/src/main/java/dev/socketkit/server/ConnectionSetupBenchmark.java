package dev.socketkit.server;

import dev.socketkit.bench.Forks;
import dev.socketkit.bench.OutboundSink;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the stream guards cost per connection: one accepted connection's life in the echo server without the socket
 * (admitted under the connection limit, its pipeline built, active, closed), with the default timeouts ({@code on}:
 * the deadlines handler and its timer) and with every timeout 0 ({@code off}, so no deadlines handler); time per
 * connection. The connection limit's admission, one compare-and-set, is in both. Hold the difference beside the
 * server's CPU per connection in the harness's {@code connrate}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {Forks.NO_LEAK_DETECTION, Forks.SIMPLE_LOGGER, Forks.HEAP, Forks.HEAP_MAX})
public class ConnectionSetupBenchmark {
    /** {@code on}: the default timeouts; {@code off}: every timeout 0. */
    @Param({"on", "off"})
    public String guards;

    private ServerInitializer initializer;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    /** The server's initializer for the chosen configuration, made once as a server makes it at start. */
    @Setup
    public void setUp() {
        ServerConfig config = ServerConfig.defaults();
        if (guards.equals("off")) {
            config = config.withIdleTimeout(Duration.ZERO)
                    .withFrameTimeout(Duration.ZERO)
                    .withWriteTimeout(Duration.ZERO);
        }
        initializer = new ServerInitializer(config, config.kind().handlerFactory(config), null, new Counters());
    }

    /** Accepts, activates and closes one connection; returns it for JMH to consume. */
    @Benchmark
    public EmbeddedChannel connection() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new OutboundSink(), initializer.connections(connections));
        channel.register();
        channel.close();
        return channel;
    }

    /** Accepts one connection, as {@link #connection} does, and leaves it open for a test to look at. */
    EmbeddedChannel open() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new OutboundSink(), initializer.connections(connections));
        channel.register();
        return channel;
    }

    Set<Channel> connections() {
        return connections;
    }
}
