package dev.socketkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts what passes one point of every pipeline. At the head ({@link #bytes}) it counts bytes, and datagrams as
 * frames, since a datagram pipeline has no codec; after the frame codec ({@link #frames}) it counts frames. Without a
 * codec (raw framing) one counter at the head ({@link #bytesAndFrames}) counts both, each read being a frame: every
 * handler in a pipeline costs each connection a context object, and raw echo is what load generators measure.
 * At the head it also marks the exceptions the socket fires, for {@link SocketFailures}. Where a connection has
 * deadlines, {@link ConnectionDeadlines} takes the head counter's place and counts through it, for the same reason.
 * Sharable: it only adds to the server's counters.
 */
@Sharable
final class TrafficCounter extends ChannelDuplexHandler {
    private final Counters counters;
    private final boolean atHead;
    private final boolean streamFrames;

    private TrafficCounter(Counters counters, boolean atHead, boolean streamFrames) {
        this.counters = counters;
        this.atHead = atHead;
        this.streamFrames = streamFrames;
    }

    /** Counts bytes (and datagrams) at the head of the pipeline. */
    static TrafficCounter bytes(Counters counters) {
        return new TrafficCounter(counters, true, false);
    }

    /** Counts frames just after the frame codec. */
    static TrafficCounter frames(Counters counters) {
        return new TrafficCounter(counters, false, false);
    }

    /** Counts bytes and frames at the head of a stream pipeline without a codec, where every buffer is a frame. */
    static TrafficCounter bytesAndFrames(Counters counters) {
        return new TrafficCounter(counters, true, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        countRead(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        noteFailure(ctx, cause);
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        countWritten(msg);
        ctx.write(msg, promise);
    }

    /** Counts {@code msg}, read at this counter's place; {@link ConnectionDeadlines} counts through it too. */
    void countRead(Object msg) {
        if (!atHead) {
            counters.framesIn.increment();
        } else if (msg instanceof ByteBuf data) {
            counters.bytesIn.add(data.readableBytes());
            if (streamFrames) {
                counters.framesIn.increment();
            }
        } else if (msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf data) {
            counters.bytesIn.add(data.readableBytes());
            counters.framesIn.increment();
        }
    }

    /** Counts {@code msg}, written past this counter's place. */
    void countWritten(Object msg) {
        if (!atHead) {
            counters.framesOut.increment();
        } else if (msg instanceof ByteBuf data) {
            counters.bytesOut.add(data.readableBytes());
            if (streamFrames) {
                counters.framesOut.increment();
            }
        } else if (msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf data) {
            counters.bytesOut.add(data.readableBytes());
            counters.framesOut.increment();
        }
    }

    /** At the head, marks {@code cause} as the socket's, for {@link SocketFailures}. */
    void noteFailure(ChannelHandlerContext ctx, Throwable cause) {
        if (atHead) {
            SocketFailures.markAtHead(ctx, cause);
        }
    }
}
