package dev.socketkit.codec;

import dev.socketkit.bench.OutboundSink;
import dev.socketkit.bench.SocketKitBenchmark;
import dev.socketkit.bench.Traffic;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Each framing's encoder writing 256 messages and one flush, as a handler answers one read batch; time per message.
 *
 * <p>{@code frame} messages are frames as decoded, what an echo writes back: terminator included, or a whole number of
 * fixed-size frames, so the encoder adds nothing. {@code bare} messages are what an application writes: one byte short
 * of the frame size and without terminator, or half a fixed-size frame, so the encoder adds a terminator or padding
 * (length framing always adds its prefix). The sink at the head releases everything at the flush, after copying heap
 * buffers to direct ones as the socket channels do. Framing {@code raw} has no encoder: its time is the baseline.
 */
public class EncoderBenchmark extends SocketKitBenchmark {
    /** The framing, by the names {@link Traffic#framing} takes. */
    @Param({"raw", "line", "delimiter", "length2", "length4", "fixed"})
    public String framing;

    /** Bytes per frame as decoded: terminator included, length prefix not. */
    @Param({"64", "1024"})
    public int frameSize;

    /** {@code frame}: complete frames, as an echo writes; {@code bare}: messages the encoder must complete. */
    @Param({"frame", "bare"})
    public String message;

    private OutboundSink sink;
    private EmbeddedChannel channel;
    private ByteBuf content;

    /** Builds the pipeline, sink then encoder (and decoder, unused), and the message every write slices. */
    @Setup
    public void setUp() {
        sink = new OutboundSink();
        channel = new EmbeddedChannel(sink);
        Traffic.framing(framing, frameSize).addTo(channel.pipeline());
        byte[] bytes = Traffic.text(messageSize());
        if (message.equals("frame") && (framing.equals("line") || framing.equals("delimiter"))) {
            bytes[bytes.length - 1] = (byte) (framing.equals("line") ? '\n' : 0);
        }
        content = channel.alloc().directBuffer(bytes.length).writeBytes(bytes);
    }

    private int messageSize() {
        if (message.equals("frame")) {
            return frameSize;
        }
        return switch (framing) {
            case "line", "delimiter" -> frameSize - 1;
            case "fixed" -> frameSize / 2;
            default -> frameSize;
        };
    }

    /**
     * Writes 256 slices of the message from the tail with the void promise, as the echo handler writes, then flushes.
     */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void encode() {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelPromise promise = channel.voidPromise();
        for (int i = 0; i < Traffic.FRAMES; i++) {
            pipeline.write(content.retainedSlice(), promise);
        }
        pipeline.flush();
    }

    /** Releases the channel's buffers and the message. */
    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        content.release();
    }

    OutboundSink sink() {
        return sink;
    }
}
