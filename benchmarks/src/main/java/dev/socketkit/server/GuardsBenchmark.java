package dev.socketkit.server;

import dev.socketkit.bench.Forks;
import dev.socketkit.bench.OutboundSink;
import dev.socketkit.bench.Traffic;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the stream guards cost on the hot path: the echo server's connection pipeline with the default idle, frame and
 * write timeouts ({@code on}), and the same pipeline without the handler that keeps them ({@code off}, which is what
 * the server builds when every timeout is 0); time per frame the peer sent.
 *
 * <p>The connection limit and the accept-failure guard act once per connection, not per read, so they are not here.
 * The deadlines handler's cost is per read loop (a clock read when reading starts and once per flush), so the
 * {@code pingpong} shape, one frame per read loop as the harness's round trips arrive, pays it once per frame, and is
 * the figure to hold beside the server's CPU per round trip on a real socket; {@code aligned} (16 reads per loop)
 * spreads it. Raw framing, 64 B: the cheapest pipeline, so the guard's share is the largest it can be.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {Forks.NO_LEAK_DETECTION, Forks.SIMPLE_LOGGER, Forks.HEAP, Forks.HEAP_MAX})
public class GuardsBenchmark {
    /** {@code on}: the default timeouts' handler in the pipeline; {@code off}: the same pipeline without it. */
    @Param({"on", "off"})
    public String guards;

    /** How the socket's reads cut the stream, a {@link Traffic.Shape}: {@code pingpong} or {@code aligned}. */
    @Param({"pingpong", "aligned"})
    public String reads;

    private Traffic traffic;
    private OutboundSink sink;
    private EmbeddedChannel channel;

    /** Builds the echo server's pipeline as {@code Server} does, less the guard when they are off. */
    @Setup
    public void setUp() throws Exception {
        traffic = Traffic.of("raw", 64, Traffic.Shape.of(reads));
        sink = new OutboundSink();
        channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(sink);
        HandlerBenchmark.streamPipeline(channel.pipeline(), ServerConfig.defaults());
        if (channel.pipeline().get(ConnectionDeadlines.class) == null) {
            throw new IllegalStateException("the default pipeline has no deadlines handler: " + channel.pipeline());
        }
        if (guards.equals("off")) {
            channel.pipeline().remove(ConnectionDeadlines.class);
        }
        channel.register();
    }

    /** Delivers the whole stream; the echoes reach the sink, which releases them at each flush. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void serve() {
        traffic.deliver(channel.pipeline());
    }

    /** Releases the channel's buffers and the stream. */
    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        traffic.close();
    }

    OutboundSink sink() {
        return sink;
    }

    Traffic traffic() {
        return traffic;
    }

    EmbeddedChannel channel() {
        return channel;
    }
}
