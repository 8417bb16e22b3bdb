package dev.socketkit.server;

import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.transport.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a {@link BlockingHandler} for one stream connection on a worker thread, and bridges the event loop to it: frames
 * read go into a queue the handler's input stream takes from, and its output stream's writes go out as messages. One
 * per connection.
 *
 * <p>Backpressure both ways: reading stops while more than {@link #HIGH_WATER} bytes wait for the handler and resumes
 * below {@link #LOW_WATER}; a write blocks the handler while the channel is not writable. The peer's end of input ends
 * the input stream and is not passed on, so the connection stays open for the handler's answers until it finishes.
 */
final class BlockingStreamBridge extends ChannelInboundHandlerAdapter {
    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final BlockingHandler handler;
    private final Executor executor;
    private final Endpoint endpoint;
    private final Counters counters;
    private final ServerListener listener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int offset;
    private long queued;
    private boolean ended;
    private IOException failure;
    private boolean readingPaused;

    private ChannelHandlerContext ctx;

    BlockingStreamBridge(
            BlockingHandler handler, Executor executor, Endpoint endpoint, Counters counters, ServerListener listener) {
        this.handler = handler;
        this.executor = executor;
        this.endpoint = endpoint;
        this.counters = counters;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        try {
            executor.execute(this::serve);
        } catch (RejectedExecutionException stopping) {
            ctx.close(); // the server is closing: no worker will serve this connection
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        byte[] bytes;
        try {
            if (!(msg instanceof ByteBuf data) || !data.isReadable()) {
                return;
            }
            bytes = ByteBufUtil.getBytes(data);
        } finally {
            ReferenceCountUtil.release(msg);
        }
        lock.lock();
        try {
            chunks.add(bytes);
            queued += bytes.length;
            changed.signalAll();
            if (queued >= HIGH_WATER && !readingPaused) {
                readingPaused = true;
                ctx.channel().config().setAutoRead(false);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            end(null); // kept from the server's own handler, which would close before the handler has answered
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Not passed on: reading is paused by the input queue here, not by writability.
        signal();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(null);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end(cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
        ctx.fireExceptionCaught(cause);
    }

    private void end(IOException cause) {
        lock.lock();
        try {
            ended = true;
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * On a worker: the handler's whole life, then the close of the connection (at once if the handler failed). The
     * handler's failure is reported here, as the datagram bridge reports one, rather than passed down the pipeline,
     * where the connection handler would take an {@link IOException} for a reset and log it only at DEBUG.
     */
    private void serve() {
        StreamRequest request = new StreamRequest(endpoint);
        Throwable failed = request.serveWith(handler);
        Throwable failure = failed;
        try {
            ctx.executor().execute(() -> {
                if (failure == null) {
                    ConnectionHandler.closeAfterPendingWrites(ctx.channel());
                } else if (failure instanceof IOException && !ctx.channel().isActive()) {
                    // The connection failed or went first, and was reported then; this is only the consequence.
                    ctx.channel().close();
                } else {
                    request.reportFailure(failure, counters, listener, ctx.executor());
                    ctx.channel().close();
                }
            });
        } catch (RejectedExecutionException stopped) {
            // The server has stopped and closed the connection already; a failure now has nobody left to tell.
        }
    }

    private int take(byte[] into, int off, int len) throws IOException {
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended) {
                changed.await();
            }
            if (chunks.isEmpty()) {
                if (failure != null) {
                    throw new IOException("connection failed: " + failure.getMessage(), failure);
                }
                return -1;
            }
            byte[] head = chunks.peek();
            int n = Math.min(len, head.length - offset);
            System.arraycopy(head, offset, into, off, n);
            offset += n;
            if (offset == head.length) {
                chunks.poll();
                offset = 0;
            }
            queued -= n;
            if (readingPaused && queued <= LOW_WATER) {
                readingPaused = false;
                ctx.executor().execute(() -> ctx.channel().config().setAutoRead(true));
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } finally {
            lock.unlock();
        }
    }

    private void send(byte[] data, int off, int len) throws IOException {
        if (!ctx.channel().isActive()) {
            throw new IOException("connection closed");
        }
        ctx.writeAndFlush(Unpooled.copiedBuffer(data, off, len), ctx.voidPromise());
        lock.lock();
        try {
            while (!ctx.channel().isWritable() && ctx.channel().isActive()) {
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        } finally {
            lock.unlock();
        }
    }

    /** The connection as the handler sees it. */
    private final class StreamRequest extends RequestBase {
        StreamRequest(Endpoint endpoint) {
            super(endpoint);
        }

        private final InputStream input = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return take(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                return len == 0 ? 0 : take(b, off, len);
            }

            @Override
            public int available() {
                lock.lock();
                try {
                    return (int) Math.min(queued, Integer.MAX_VALUE);
                } finally {
                    lock.unlock();
                }
            }
        };

        private final OutputStream output = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                send(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len > 0) {
                    send(b, off, len);
                }
            }
        };

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public SocketAddress peer() {
            return ProxyProtocol.clientAddress(ctx.channel());
        }

        @Override
        public boolean isDatagram() {
            return false;
        }

        @Override
        public String toString() {
            return "connection from " + Peers.describe(ctx.channel()) + " to " + endpoint();
        }
    }
}
