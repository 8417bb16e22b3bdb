package dev.socketkit.relay;

import dev.socketkit.transport.internal.Failures;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One direction of a relayed connection: reads one channel and writes what it read to the other, with the rules of
 * {@link FaultHook}: backpressure by the bytes written and not yet done, the peer's EOF passed on once nothing of this
 * direction is outstanding, a reset passed on at once.
 *
 * <p>The marks: reading stops above {@value #HIGH_MARK} bytes outstanding and resumes at {@value #LOW_MARK}. The kernel
 * already buffers a few hundred KiB on each socket; user space needs only enough to keep the writing socket busy
 * between two turns of the event loop, two of the largest reads. A read that takes the count over the high mark is
 * flushed at once, and reading stops if the count is still over it then, after the read in progress; so a direction
 * holds at most the high mark and one read (64 KiB, or the buffer size) however slowly its writer drains: under 200
 * KiB per direction, and a side that never reads stops the other side being read at all.
 */
final class Side extends ChannelInboundHandlerAdapter {
    /** Outstanding bytes above which this direction stops reading. */
    static final int HIGH_MARK = 128 * 1024;
    /** Outstanding bytes at or below which a stopped direction reads again. */
    static final int LOW_MARK = 32 * 1024;

    private static final Logger LOG = LogManager.getLogger(Relay.class);
    /** Set on a channel closed with a reset, so that the connection's end is reported as one. */
    static final AttributeKey<Boolean> RESET = AttributeKey.valueOf(Side.class, "reset");

    private final StreamRelay.Splice splice;
    private final Direction direction;
    private final Counters counters;
    /** Reads that arrived before both channels were ready (a TLS handshake reads ahead); passed on at start. */
    private List<Object> early = new ArrayList<>();

    private boolean started;
    private boolean inputEnded;
    private boolean fromClosed;
    /** Bytes written in this direction whose promise has not completed. */
    long outstanding;
    /** Bytes relayed in this direction. */
    long bytes;
    /** Whether this direction's EOF has been passed on. */
    boolean endPassed;

    Side(StreamRelay.Splice splice, Direction direction, Counters counters) {
        this.splice = splice;
        this.direction = direction;
        this.counters = counters;
    }

    private Channel from() {
        return splice.from(direction);
    }

    private Channel to() {
        return splice.to(direction);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (direction == Direction.UPSTREAM) {
            splice.connectTarget();
        }
        ctx.fireChannelActive();
    }

    /** Both channels are connected: pass on what came early, then read. */
    void start() {
        started = true;
        List<Object> pending = early;
        early = null;
        for (Object msg : pending) {
            forward(msg);
        }
        to().flush();
        if (fromClosed) {
            fromClosed();
        } else if (inputEnded) {
            inputEnded();
        } else if (outstanding <= HIGH_MARK) {
            from().config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!started) {
            early.add(msg);
            return;
        }
        forward(msg);
    }

    private void forward(Object msg) {
        if (!(msg instanceof ByteBuf data) || !data.isReadable() || !to().isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = data.readableBytes();
        bytes += n;
        counters.bytes(direction, n);
        outstanding += n;
        counters.bufferedBytes.add(n);
        to().write(data).addListener(done -> written(n, (ChannelFuture) done));
        if (outstanding > HIGH_MARK && from().config().isAutoRead()) {
            // Flushed now, not at the batch's end: what the writer's socket takes at once completes its writes here
            // (written() lowers the count), so reading stops only if the bytes are still outstanding after that. A read
            // batch (up to 16 reads of 64 KiB) crosses the mark before its end, and stopping then, with the socket
            // ready for it all, turned EPOLLIN off and on again in two epoll_ctl calls a batch: a third of a stream
            // relay's system calls (docs/measurements.md, "Relay, measured").
            to().flush();
            if (outstanding > HIGH_MARK) {
                from().config().setAutoRead(false);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (started) {
            to().flush();
        }
        ctx.fireChannelReadComplete();
    }

    private void written(int n, ChannelFuture done) {
        outstanding -= n;
        counters.bufferedBytes.add(-n);
        if (!done.isSuccess()) {
            // The writer's channel failed; its own side closes it and passes the close on.
            return;
        }
        if (outstanding <= LOW_MARK
                && !inputEnded
                && !fromClosed
                && from().isActive()
                && !from().config().isAutoRead()) {
            from().config().setAutoRead(true);
        }
        if (outstanding == 0) {
            if (fromClosed) {
                to().close();
            } else if (inputEnded && !endPassed) {
                passEnd();
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            if (started) {
                inputEnded();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void inputEnded() {
        to().flush();
        if (outstanding == 0 && !endPassed) {
            passEnd();
        }
    }

    /** Shuts the writer's output, after a close_notify when it speaks TLS: a TLS peer reads a bare FIN as truncation. */
    private void passEnd() {
        endPassed = true;
        Channel to = to();
        if (to instanceof DuplexChannel duplex && to.isActive()) {
            // Through the pipeline first, so that a fault may hold the end back (FaultHook.END).
            to.writeAndFlush(FaultHook.END).addListener(passed -> {
                SslHandler tls = to.pipeline().get(SslHandler.class);
                if (tls != null) {
                    tls.closeOutbound().addListener(sent -> duplex.shutdownOutput());
                } else {
                    duplex.shutdownOutput();
                }
            });
        } else {
            to.close();
        }
        splice.endedOneWay();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fromClosed = true;
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }
        if (started) {
            fromClosed();
        } else if (splice.target != null && direction == Direction.UPSTREAM) {
            splice.target.close();
        }
        ctx.fireChannelInactive();
    }

    private void fromClosed() {
        to().flush();
        if (outstanding == 0) {
            to().close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channel to = to();
        if (Failures.kind(cause) == Failures.Kind.RESET) {
            counters.resets.increment();
            LOG.debug("connection {}: {} reset; resetting the other side", splice.number, from().remoteAddress());
            reset(to);
        } else if (Failures.isResourceFailure(cause)) {
            splice.failed = true;
            splice.resourceFailed(from(), cause);
            if (to != null) {
                to.close();
            }
        } else {
            LOG.debug("connection {}: {} failed: {}", splice.number, from().remoteAddress(), cause.toString());
            splice.failed = true;
            if (to != null) {
                to.close();
            }
        }
        ctx.close();
    }

    /** Closes {@code channel} with a reset (SO_LINGER 0) where its kind has one; a Unix socket is just closed. */
    static void reset(Channel channel) {
        if (channel == null) {
            return;
        }
        channel.attr(RESET).set(Boolean.TRUE);
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException noLinger) {
            // A Unix stream socket has no reset: a close is all its peer can see.
        }
        channel.close();
    }
}
