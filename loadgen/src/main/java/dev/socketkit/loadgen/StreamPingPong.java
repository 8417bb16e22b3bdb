package dev.socketkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.SplittableRandom;

/**
 * Pingpong on a stream socket (tcp, unix): writes one message, reads exactly as many bytes back, verifying each read
 * against the message as it comes, and records the round trip.
 */
final class StreamPingPong extends ChannelWorker {
    private final int size;
    private final SplittableRandom random;
    private int offset;
    private int received;
    private boolean awaiting;
    private long due;
    private long lastData;

    StreamPingPong(Run run, int index, SplittableRandom random) {
        super(run, index);
        this.size = run.config.size();
        this.random = random;
    }

    @Override
    void send(long dueAt) {
        offset = Payloads.offset(random);
        received = 0;
        awaiting = true;
        due = dueAt;
        lastData = System.nanoTime();
        ctx.writeAndFlush(run.payloads.slice(offset, size), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        try {
            if (isFinished()) {
                return;
            }
            int count = data.readableBytes();
            if (!awaiting || received + count > size) {
                mismatch("the echo of a " + size + "-byte message has " + (received + count) + " bytes");
                return;
            }
            if (!run.payloads.matches(data, data.readerIndex(), offset + received, count)) {
                mismatch("the echo of a " + size + "-byte message differs within bytes " + received + "-"
                        + (received + count - 1));
                return;
            }
            received += count;
            long now = System.nanoTime();
            lastData = now;
            if (received == size) {
                awaiting = false;
                if (window.counts(now)) {
                    stats.record(now - due, size);
                }
                next(now);
            }
        } finally {
            data.release();
        }
    }

    @Override
    public void tick(long now) {
        if (awaiting && !isFinished() && now - lastData > run.timeoutNanos) {
            fail("no echo from " + run.endpoint + " within "
                    + run.config.timeout().toMillis() + " ms (" + received + " of " + size + " bytes back)");
        }
    }
}
