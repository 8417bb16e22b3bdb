package dev.socketkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.SplittableRandom;

/**
 * Stream mode: writes {@code size}-byte chunks of one endless periodic stream as long as the channel is writable
 * (flushing once per batch), and reads the echoed stream back, verifying every byte against its position. After the
 * window it stops writing and finishes once everything written has come back.
 */
final class StreamFlood extends ChannelWorker {
    private final int size;
    private final int base;
    private long written;
    private long received;
    private boolean writing;
    private long lastData;

    StreamFlood(Run run, int index, SplittableRandom random) {
        super(run, index);
        this.size = run.config.size();
        this.base = Payloads.offset(random);
    }

    @Override
    void send(long due) {
        writing = true;
        lastData = due;
        fill(due);
    }

    private void fill(long now) {
        if (!writing || isFinished()) {
            return;
        }
        if (window.isOver(now)) {
            stopWriting();
            return;
        }
        Channel channel = ctx.channel();
        boolean wrote = false;
        // Pending writes count against the high water mark, so this stops after a batch of about 64 KiB.
        while (channel.isWritable()) {
            ctx.write(run.payloads.slice(Payloads.streamOffset(base, written), size), ctx.voidPromise());
            written += size;
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void stopWriting() {
        writing = false;
        if (received == written) {
            finish();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            fill(System.nanoTime());
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        try {
            if (!isFinished()) {
                received(data);
            }
        } finally {
            data.release();
        }
    }

    private void received(ByteBuf data) {
        int count = data.readableBytes();
        if (received + count > written) {
            mismatch("the echoed stream has " + (received + count) + " bytes, " + written + " were written");
            return;
        }
        int index = data.readerIndex();
        for (int done = 0; done < count; ) {
            int piece = Math.min(count - done, run.payloads.maxSlice());
            if (!run.payloads.matches(data, index + done, Payloads.streamOffset(base, received + done), piece)) {
                mismatch("the echoed stream differs within bytes " + (received + done) + "-"
                        + (received + done + piece - 1));
                return;
            }
            done += piece;
        }
        received += count;
        long now = System.nanoTime();
        lastData = now;
        if (window.counts(now)) {
            stats.addBytes(count);
        }
        if (writing && window.isOver(now)) {
            stopWriting();
        } else if (!writing && received == written) {
            finish();
        }
    }

    @Override
    public void tick(long now) {
        if (isFinished()) {
            return;
        }
        if (writing && window.isOver(now)) {
            stopWriting();
        } else if (received < written && now - lastData > run.timeoutNanos) {
            fail("no echo from " + run.endpoint + " within "
                    + run.config.timeout().toMillis() + " ms (" + (written - received) + " bytes outstanding)");
        }
    }
}
