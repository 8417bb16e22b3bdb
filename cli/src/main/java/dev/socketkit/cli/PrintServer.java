package dev.socketkit.cli;

import dev.socketkit.codec.Framing;
import dev.socketkit.server.HandlerFactory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * {@code serve print}, nc's listen mode: what every client sends, written to stdout through {@link PrintOutput}. It
 * lives here, in the command, and not among the server's kinds: stdout is the process's, and floor 2 knows no process.
 * On the server's side it is a plain {@link HandlerFactory}, the API any custom server uses.
 *
 * <p>Stream sockets: one connection at a time, as {@code nc -lk} serves them, so that stdout holds each connection's
 * bytes whole, one connection after another, in the order they became active (the order accepted, except that two
 * connections accepted in the same instant may swap, each on its event loop). A connection that arrives while another
 * is printed is accepted and waits: it reads until its first chunk of data (which lets a TLS handshake finish), holds
 * that one chunk and stops reading, until the one before it closes. Datagram sockets: every datagram, as it comes.
 *
 * <p>Each frame (stream) or datagram is written as the output framing writes it: raw framing adds nothing, line framing
 * a {@code \n} unless the frame ends with one, delimiter framing the delimiter, length framing the length prefix.
 */
final class PrintServer implements HandlerFactory {
    private final PrintOutput out;
    private final Framing output;
    private final boolean datagram;
    private final ReplyStdin reply;

    // Guarded by this: the connection being printed and those waiting for their turn, in the order accepted.
    private ConnectionPrinter current;
    private final ArrayDeque<ConnectionPrinter> waiting = new ArrayDeque<>();
    private boolean replyClaimed;

    /**
     * @param output the framing each frame or datagram is written to stdout with
     * @param reply stdin's pump to the first client, or null without {@code --reply-stdin}
     */
    PrintServer(PrintOutput out, Framing output, boolean datagram, ReplyStdin reply) {
        this.out = out;
        this.output = output;
        this.datagram = datagram;
        this.reply = reply;
    }

    @Override
    public ChannelHandler newHandler() {
        return datagram ? new DatagramPrinter() : new ConnectionPrinter();
    }

    /** Whether {@code printer} may print now; otherwise it is queued for its turn. */
    private synchronized boolean takeTurn(ConnectionPrinter printer) {
        if (current == null) {
            current = printer;
            return true;
        }
        waiting.add(printer);
        return false;
    }

    /** {@code printer} closed: the next waiting connection, if any, is printed. */
    private void leave(ConnectionPrinter printer) {
        ConnectionPrinter next;
        synchronized (this) {
            if (current != printer) {
                waiting.remove(printer);
                return;
            }
            current = waiting.poll();
            next = current;
        }
        if (next != null) {
            onLoop(next.ctx, next::startPrinting);
        }
    }

    /** Whether the caller is the first client, the one stdin goes to; true once only. */
    private synchronized boolean claimReply() {
        if (reply == null || replyClaimed) {
            return false;
        }
        replyClaimed = true;
        return true;
    }

    /** Turns frames into the bytes stdout gets; one per handler, used on its event loop only. */
    private static final class FrameWriter {
        private final EmbeddedChannel encoder;

        FrameWriter(Framing framing) {
            if (framing.kind() == Framing.Kind.RAW) {
                encoder = null; // nothing to add: the bytes as read
            } else {
                encoder = new EmbeddedChannel();
                framing.addTo(encoder.pipeline());
            }
        }

        /** Passes {@code frame}'s bytes, as the framing writes them, to {@code to}; takes {@code frame}'s reference. */
        void write(ByteBuf frame, Consumer<ByteBuf> to) {
            if (encoder == null) {
                to.accept(frame);
                return;
            }
            encoder.writeOutbound(frame);
            for (ByteBuf encoded; (encoded = encoder.readOutbound()) != null; ) {
                to.accept(encoded);
            }
        }

        void close() {
            if (encoder != null) {
                encoder.finishAndReleaseAll();
            }
        }
    }

    /**
     * One stream connection. It owns the connection's reading: the server's connection handler would stop reading
     * while the peer does not read what stdin sends, and printing has no reason to wait for that, so writability
     * changes stop here (stdin's pump waits on them instead).
     */
    private final class ConnectionPrinter extends ChannelDuplexHandler implements PrintOutput.Source {
        private final FrameWriter writer = new FrameWriter(output);
        private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
        private ChannelHandlerContext ctx;
        private boolean printing;
        private boolean stdoutFull;
        private boolean inputEnded;
        private boolean replying;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (takeTurn(this)) {
                startPrinting();
            }
            ctx.fireChannelActive();
        }

        /** On the event loop: this connection's turn; what it holds goes out first. */
        void startPrinting() {
            if (!ctx.channel().isActive()) {
                return; // closed while it waited: its close has passed the turn on already
            }
            printing = true;
            for (ByteBuf chunk; (chunk = held.poll()) != null; ) {
                out.write(chunk, this);
            }
            if (claimReply()) {
                replying = true;
                reply.toConnection(ctx.channel(), this::stdinEnded);
            }
            if (inputEnded && !replying) {
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
            updateReading();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            writer.write(frame, chunk -> {
                if (printing) {
                    out.write(chunk, this);
                } else {
                    held.add(chunk);
                }
            });
            updateReading();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputEnded = true;
                // Passed on (the server then closes after pending writes) only when this connection has printed all
                // it held and stdin has nothing more to send it.
                if (!printing || replying) {
                    return;
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        /** On the event loop: stdin ended and was half-closed; the connection closes once the client's side ends too. */
        private void stdinEnded() {
            replying = false;
            if (inputEnded) {
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                ctx.flush();
            }
            if (reply != null) {
                reply.writabilityChanged();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release();
            leave(this);
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        private void release() {
            for (ByteBuf chunk; (chunk = held.poll()) != null; ) {
                chunk.release();
            }
            writer.close();
        }

        @Override
        public void pause() {
            onLoop(ctx, () -> {
                stdoutFull = true;
                updateReading();
            });
        }

        @Override
        public void resume() {
            onLoop(ctx, () -> {
                stdoutFull = false;
                updateReading();
            });
        }

        /** Reads while printing and stdout keeps up; while waiting, only until the first chunk is held. */
        private void updateReading() {
            Channel channel = ctx.channel();
            channel.config().setAutoRead(printing ? !stdoutFull : held.isEmpty());
        }
    }

    /** The datagram socket's one handler: every datagram, from any sender, as it comes. */
    private final class DatagramPrinter extends ChannelDuplexHandler implements PrintOutput.Source {
        private final FrameWriter writer = new FrameWriter(output);
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof AddressedEnvelope<?, ?> datagram && datagram.content() instanceof ByteBuf data) {
                    SocketAddress sender = datagram.sender();
                    if (sender != null && claimReply()) {
                        reply.toSender(ctx.channel(), sender);
                    }
                    writer.write(data.retain(), chunk -> out.write(chunk, this));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (reply != null) {
                reply.writabilityChanged();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            writer.close();
        }

        @Override
        public void pause() {
            // The socket's receive queue fills, and the kernel drops what does not fit: datagrams have no flow control.
            onLoop(ctx, () -> ctx.channel().config().setAutoRead(false));
        }

        @Override
        public void resume() {
            onLoop(ctx, () -> ctx.channel().config().setAutoRead(true));
        }
    }

    /** Runs {@code task} on {@code ctx}'s event loop: at once when called there, as a pause must take effect. */
    static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException stopped) {
            // The server is closing its event loops, and the connection with them: nothing left to read.
        }
    }
}
