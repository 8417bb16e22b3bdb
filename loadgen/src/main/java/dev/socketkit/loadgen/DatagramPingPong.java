package dev.socketkit.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.SplittableRandom;

/**
 * Pingpong on a datagram socket (udp, unixgram): one datagram out, its echo back. A datagram of 8 bytes or more carries
 * its sequence number in its first 8, so an echo that comes after its datagram was counted as lost is told apart (late)
 * from a wrong one (mismatch). Unlike a stream, a bad datagram does not put later ones out of step, so a mismatch is
 * counted and the socket goes on.
 */
final class DatagramPingPong extends ChannelWorker {
    private static final int SEQUENCE_BYTES = Long.BYTES;

    private final int size;
    private final SplittableRandom random;
    private long sequence;
    private int offset = -1;
    private int previousOffset = -1;
    private boolean awaiting;
    private long due;
    private long sentAt;

    DatagramPingPong(Run run, int index, SplittableRandom random) {
        super(run, index);
        this.size = run.config.size();
        this.random = random;
    }

    private boolean numbered() {
        return size >= SEQUENCE_BYTES;
    }

    @Override
    void send(long dueAt) {
        sequence++;
        previousOffset = offset;
        offset = Payloads.offset(random);
        ByteBuf datagram = ctx.alloc().directBuffer(size);
        if (numbered()) {
            datagram.writeLong(sequence);
            run.payloads.copyTo(datagram, offset + SEQUENCE_BYTES, size - SEQUENCE_BYTES);
        } else {
            run.payloads.copyTo(datagram, offset, size);
        }
        awaiting = true;
        due = dueAt;
        sentAt = System.nanoTime();
        ctx.writeAndFlush(datagram, ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        try {
            ByteBuf data = msg instanceof ByteBufHolder holder ? holder.content() : (ByteBuf) msg;
            if (!isFinished()) {
                received(data);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void received(ByteBuf data) {
        int count = data.readableBytes();
        int index = data.readerIndex();
        if (numbered() && count >= SEQUENCE_BYTES) {
            long number = data.getLong(index);
            if (number < sequence || (number == sequence && !awaiting)) {
                run.outcome.countLate();
                return;
            }
            if (number > sequence) {
                run.outcome.mismatch(
                        "an echo carries sequence number " + number + ", never sent (last sent " + sequence + ")");
                return;
            }
        }
        boolean same = count == size
                && (numbered()
                        ? run.payloads.matches(
                                data, index + SEQUENCE_BYTES, offset + SEQUENCE_BYTES, size - SEQUENCE_BYTES)
                        : run.payloads.matches(data, index, offset, size));
        if (!same) {
            if (!numbered()
                    && count == size
                    && previousOffset >= 0
                    && run.payloads.matches(data, index, previousOffset, size)) {
                run.outcome.countLate();
                return;
            }
            run.outcome.mismatch("the echo of a " + size + "-byte datagram "
                    + (count == size ? "differs" : "has " + count + " bytes"));
            if (awaiting) { // a stray after a loss must not start a second send while the next one is pending
                awaiting = false;
                next(System.nanoTime());
            }
            return;
        }
        if (!awaiting) {
            run.outcome.countLate(); // an unnumbered echo of the datagram already counted as lost
            return;
        }
        awaiting = false;
        long now = System.nanoTime();
        if (window.counts(now)) {
            stats.record(now - due, size);
        }
        next(now);
    }

    @Override
    public void tick(long now) {
        if (awaiting && !isFinished() && now - sentAt > run.datagramTimeoutNanos) {
            awaiting = false;
            run.outcome.countLost();
            next(now);
        }
    }
}
