package dev.socketkit.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The last inbound handler of a decoder benchmark: takes each frame as an application handler would, hands it to the
 * {@link Blackhole} so the JIT cannot drop the work that made it, and releases it. One per channel.
 */
public final class InboundSink extends ChannelInboundHandlerAdapter {
    private Blackhole blackhole;
    private long frames;
    private long bytes;

    /** Where frames go from now on; set before each operation (tests may pass null). */
    public void blackhole(Blackhole sink) {
        this.blackhole = sink;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        frames++;
        bytes += frame.readableBytes();
        if (blackhole != null) {
            blackhole.consume(frame);
        }
        frame.release();
    }

    /** Frames taken so far. */
    public long frames() {
        return frames;
    }

    /** Bytes taken so far, in frames as decoded. */
    public long bytes() {
        return bytes;
    }
}
