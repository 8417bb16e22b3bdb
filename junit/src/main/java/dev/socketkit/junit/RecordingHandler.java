package dev.socketkit.junit;

import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.junit.Reaction.Close;
import dev.socketkit.junit.Reaction.Delay;
import dev.socketkit.junit.Reaction.Echo;
import dev.socketkit.junit.Reaction.HalfClose;
import dev.socketkit.junit.Reaction.Reply;
import dev.socketkit.junit.Reaction.Reset;
import dev.socketkit.junit.Reaction.Step;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RecordingServer}'s handler: one per connection, or one for a datagram socket. Records each frame, then runs
 * the next reaction of the script. Everything runs on the channel's event loop and nothing blocks: a delay is a
 * scheduled task, and each step starts when the one before it has finished (a reply once it is written), so a
 * half-close or close never cuts off a reply queued before it.
 *
 * <p>Reactions run one after another, in the order their frames came: on a connection, an answer never overtakes an
 * earlier, delayed one, as with a real server that handles requests in order. A datagram socket has one handler, so
 * there the order holds across all senders.
 */
final class RecordingHandler extends ChannelInboundHandlerAdapter {
    private final Script script;
    private final boolean datagram;

    /** This connection's number, taken when it begins; 0 on a datagram socket. */
    private int connection;

    /** Completes once every reaction started so far has run; only the event loop touches it. */
    private Future<?> tail;

    RecordingHandler(Script script, boolean datagram) {
        this.script = script;
        this.datagram = datagram;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        tail = ctx.executor().newSucceededFuture(null);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // A datagram socket becomes active when it binds: there is nobody to greet.
        if (!datagram) {
            // Numbered now, not when accepted: behind the PROXY protocol a connection begins once its header is in,
            // and one refused for its header never does.
            connection = script.newConnection();
            react(ctx, script.greeting(), null, ProxyProtocol.clientAddress(ctx.channel()));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        byte[] data;
        SocketAddress peer;
        try {
            if (msg instanceof AddressedEnvelope<?, ?> envelope) {
                data = ByteBufUtil.getBytes((ByteBuf) envelope.content());
                peer = envelope.sender();
            } else {
                data = ByteBufUtil.getBytes((ByteBuf) msg);
                peer = ProxyProtocol.clientAddress(ctx.channel()); // a PROXY header's client, if it had one
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
        // Recorded before any answer goes out: a test that has its answer can take the frame without waiting.
        script.record(new RecordedFrame(connection, peer, data));
        react(ctx, script.nextReaction(), data, peer);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The server's connection handler closes the connection on the peer's end of input; hold that back until
            // the reactions already started have run, so a client that sends and then shuts down its side still gets
            // its delayed answers.
            tail.addListener(done -> ctx.fireUserEventTriggered(evt));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void react(ChannelHandlerContext ctx, Reaction reaction, byte[] frame, SocketAddress peer) {
        if (reaction == null || reaction.steps().isEmpty()) {
            return;
        }
        Promise<Void> done = ctx.executor().newPromise();
        Future<?> previous = tail;
        tail = done;
        previous.addListener(ready -> new Run(ctx, reaction.steps(), frame, peer, done).step(0));
    }

    /** One reaction being run: its steps, the frame it reacts to, and the promise to complete when it is over. */
    private final class Run {
        private final ChannelHandlerContext ctx;
        private final List<Step> steps;
        private final byte[] frame;
        private final SocketAddress peer;
        private final Promise<Void> done;

        Run(ChannelHandlerContext ctx, List<Step> steps, byte[] frame, SocketAddress peer, Promise<Void> done) {
            this.ctx = ctx;
            this.steps = steps;
            this.frame = frame;
            this.peer = peer;
            this.done = done;
        }

        void step(int index) {
            if (index == steps.size()) {
                done.trySuccess(null);
                return;
            }
            Step step = steps.get(index);
            Channel channel = ctx.channel();
            if (step instanceof Reply reply) {
                send(reply.data(), index);
            } else if (step instanceof Echo) {
                send(frame, index); // never null: a greeting cannot echo
            } else if (step instanceof Delay delay) {
                try {
                    ctx.executor()
                            .schedule(() -> step(index + 1), delay.duration().toNanos(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException stopping) {
                    done.trySuccess(null); // the server is stopping; nothing is left to answer
                }
            } else if (step instanceof HalfClose) {
                if (!(channel instanceof DuplexChannel duplex)) {
                    done.trySuccess(null);
                    ctx.fireExceptionCaught(new IllegalStateException(channel + " cannot half-close"));
                    return;
                }
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                if (tls == null) {
                    duplex.shutdownOutput().addListener(shut -> next(shut, index));
                } else {
                    // A TLS peer reads a bare FIN as a truncation: close_notify is TLS's end of output, then the FIN.
                    tls.closeOutbound().addListener(notified -> {
                        if (notified.isSuccess()) {
                            duplex.shutdownOutput().addListener(shut -> next(shut, index));
                        } else {
                            next(notified, index);
                        }
                    });
                }
            } else if (step instanceof Close) {
                channel.close();
                done.trySuccess(null);
            } else if (step instanceof Reset) {
                if (channel.isOpen()) {
                    // Linger 0 makes close() abort the connection: the kernel sends RST instead of FIN.
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                    channel.close();
                }
                done.trySuccess(null);
            }
        }

        private void send(byte[] data, int index) {
            ByteBuf content = ctx.alloc().buffer(data.length).writeBytes(data);
            Object message = datagram ? new DefaultAddressedEnvelope<>(content, peer) : content;
            // Written from this handler, so the framing's encoder (before it in the pipeline) frames it.
            ctx.writeAndFlush(message).addListener(written -> next(written, index));
        }

        /** Goes on after a step that finished; a failed one (the peer is gone) ends the reaction. */
        private void next(Future<?> finished, int index) {
            if (finished.isSuccess()) {
                step(index + 1);
            } else {
                done.trySuccess(null);
            }
        }
    }
}
