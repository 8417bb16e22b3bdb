package dev.socketkit.codec;

import dev.socketkit.bench.InboundSink;
import dev.socketkit.bench.SocketKitBenchmark;
import dev.socketkit.bench.Traffic;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each framing's decoder cutting a stream of 256 frames, delivered in socket reads of three shapes; time per frame.
 *
 * <p>The decoder is installed by {@link Framing#addTo}, as servers and clients install it, in the pipeline of an
 * {@code EmbeddedChannel}; the reads are fired into that pipeline directly ({@link Traffic#deliver}), not through
 * {@code writeInbound}, whose own bookkeeping {@code PipelineOverheadBenchmark} measures. Framing {@code raw} has no
 * decoder: its time is the baseline, the allocation and copy of the reads and the trip through the pipeline.
 */
public class DecoderBenchmark extends SocketKitBenchmark {
    /** The framing, by the names {@link Traffic#framing} takes. */
    @Param({"raw", "line", "delimiter", "length2", "length4", "fixed"})
    public String framing;

    /** Bytes per frame as decoded: terminator included, length prefix not. */
    @Param({"64", "1024"})
    public int frameSize;

    /** How the socket's reads cut the stream, a {@link Traffic.Shape}. */
    @Param({"aligned", "split", "segments"})
    public String reads;

    private Traffic traffic;
    private InboundSink sink;
    private EmbeddedChannel channel;

    /** Builds the stream and the pipeline: decoder (and encoder, unused), then the sink. */
    @Setup
    public void setUp() {
        traffic = Traffic.of(framing, frameSize, Traffic.Shape.of(reads));
        sink = new InboundSink();
        channel = new EmbeddedChannel();
        Traffic.framing(framing, frameSize).addTo(channel.pipeline());
        channel.pipeline().addLast(sink);
    }

    /** Delivers the whole stream; every frame reaches the sink, which releases it. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void decode(Blackhole blackhole) {
        sink.blackhole(blackhole);
        traffic.deliver(channel.pipeline());
    }

    /** Releases the channel's buffers and the stream. */
    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        traffic.close();
    }

    InboundSink sink() {
        return sink;
    }

    Traffic traffic() {
        return traffic;
    }
}
