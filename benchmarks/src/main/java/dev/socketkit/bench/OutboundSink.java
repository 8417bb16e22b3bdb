package dev.socketkit.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.ArrayList;
import java.util.List;

/**
 * The first handler of a benchmark pipeline, standing in for the socket: holds what is written until the flush, as a
 * channel's outbound buffer does, then "sends" and releases it. One per channel.
 *
 * <p>Holding writes until the flush matters: an echoed frame is a slice of the decoder's buffer, so while it waits the
 * decoder cannot reuse that buffer for the next read. And, as Netty's NIO, epoll and io_uring channels do before a
 * write ({@code filterOutboundMessage}), a heap buffer is first copied into a direct one; that cost belongs to whoever
 * wrote a heap buffer, so it is measured too. Without a real socket, no system call is.
 */
public final class OutboundSink extends ChannelOutboundHandlerAdapter {
    private final List<Object> pending = new ArrayList<>();
    private final List<ChannelPromise> promises = new ArrayList<>();
    private long messages;
    private long bytes;
    private long heapCopies;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        pending.add(msg);
        promises.add(promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        for (int i = 0; i < pending.size(); i++) {
            ByteBuf data = (ByteBuf) pending.get(i);
            int length = data.readableBytes();
            if (!data.isDirect()) {
                ByteBuf direct = ctx.alloc().directBuffer(length).writeBytes(data);
                data.release();
                data = direct;
                heapCopies++;
            }
            messages++;
            bytes += length;
            data.release();
            promises.get(i).trySuccess(); // a void promise just says no
        }
        pending.clear();
        promises.clear();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        // Whatever was never flushed is dropped, as a closing channel drops it.
        for (Object msg : pending) {
            ((ByteBuf) msg).release();
        }
        pending.clear();
        promises.clear();
        super.close(ctx, promise);
    }

    /** Buffers sent so far. */
    public long messages() {
        return messages;
    }

    /** Bytes sent so far. */
    public long bytes() {
        return bytes;
    }

    /** Heap buffers sent so far, each copied into a direct buffer first. */
    public long heapCopies() {
        return heapCopies;
    }
}
