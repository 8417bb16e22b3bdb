package dev.socketkit.server;

import dev.socketkit.bench.InboundSink;
import dev.socketkit.bench.OutboundSink;
import dev.socketkit.bench.SocketKitBenchmark;
import dev.socketkit.bench.Traffic;
import dev.socketkit.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the harness itself costs, per frame of 256 line frames in aligned reads, so that the other benchmarks' numbers
 * can be read: an empty pipeline (just a sink that releases) against the line-framed echo server's pipeline, each
 * driven two ways.
 *
 * <ul>
 *   <li>{@code *Pipeline}: reads fired into the pipeline, answers caught by an {@link OutboundSink} at its head; the
 *       way the other benchmarks drive handlers.
 *   <li>{@code *Embedded}: the {@code EmbeddedChannel} API as tests use it, {@code writeInbound} per read loop and
 *       {@code readOutbound} for every answer; the answers go through the channel's real outbound buffer.
 * </ul>
 */
public class PipelineOverheadBenchmark extends SocketKitBenchmark {
    /** Bytes per line, terminator included. */
    @Param({"64", "1024"})
    public int frameSize;

    private Traffic traffic;
    private InboundSink emptySink;
    private InboundSink emptyEmbeddedSink;
    private OutboundSink echoSink;
    private EmbeddedChannel empty;
    private EmbeddedChannel emptyEmbedded;
    private EmbeddedChannel echo;
    private EmbeddedChannel echoEmbedded;

    /** Builds the stream and the four channels. */
    @Setup
    public void setUp() {
        traffic = Traffic.of("line", frameSize, Traffic.Shape.ALIGNED);
        emptySink = new InboundSink();
        empty = new EmbeddedChannel(emptySink);
        emptyEmbeddedSink = new InboundSink();
        emptyEmbedded = new EmbeddedChannel(emptyEmbeddedSink);
        ServerConfig config = ServerConfig.defaults().withFraming(Framing.line(Framing.DEFAULT_MAX_FRAME_LENGTH));
        echoSink = new OutboundSink();
        echo = new EmbeddedChannel(echoSink);
        HandlerBenchmark.streamPipeline(echo.pipeline(), config);
        // The same pipeline without the sink at its head: writes reach the channel's outbound buffer.
        echoEmbedded = new EmbeddedChannel();
        HandlerBenchmark.streamPipeline(echoEmbedded.pipeline(), config);
    }

    /** Reads fired into a pipeline holding only a sink that releases them: the floor. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void emptyPipeline(Blackhole blackhole) {
        emptySink.blackhole(blackhole);
        traffic.deliver(empty.pipeline());
    }

    /** The same reads through {@code writeInbound}, one call per read loop. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void emptyEmbedded(Blackhole blackhole) {
        emptyEmbeddedSink.blackhole(blackhole);
        for (int loop = 0; loop < traffic.loops(); loop++) {
            emptyEmbedded.writeInbound(traffic.loop(emptyEmbedded.alloc(), loop));
        }
    }

    /** The line-framed echo server, fired directly, answers caught at the head of the pipeline. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void echoPipeline() {
        traffic.deliver(echo.pipeline());
    }

    /** The same server through {@code writeInbound}, each answer taken with {@code readOutbound} and released. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void echoEmbedded() {
        for (int loop = 0; loop < traffic.loops(); loop++) {
            echoEmbedded.writeInbound(traffic.loop(echoEmbedded.alloc(), loop));
            for (ByteBuf answer; (answer = echoEmbedded.readOutbound()) != null; ) {
                answer.release();
            }
        }
    }

    /** Releases the channels' buffers and the stream. */
    @TearDown
    public void tearDown() {
        empty.finishAndReleaseAll();
        emptyEmbedded.finishAndReleaseAll();
        echo.finishAndReleaseAll();
        echoEmbedded.finishAndReleaseAll();
        traffic.close();
    }

    InboundSink emptySink() {
        return emptySink;
    }

    InboundSink emptyEmbeddedSink() {
        return emptyEmbeddedSink;
    }

    OutboundSink echoSink() {
        return echoSink;
    }

    EmbeddedChannel echoEmbeddedChannel() {
        return echoEmbedded;
    }
}
