package dev.socketkit.transport.internal;

import dev.socketkit.transport.Endpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * On a listening socket, for servers and the relay alike: when accepting fails, most often because the process has no
 * file descriptor left (EMFILE) or the system none (ENFILE), stops accepting for {@value #PAUSE_MILLIS} ms, then tries
 * again. The connections already open go on being served; nothing spins on an {@code accept} that fails at once; the
 * failure is handed to {@link #failed} in one line that names it, where Netty would log its generic "reached the tail
 * of the pipeline" with a stack trace. Connections that arrive meanwhile wait in the listen backlog, so they are
 * accepted within about a second of descriptors being free. One instance per listening channel: it keeps its pause.
 */
public abstract class AcceptPause extends ChannelInboundHandlerAdapter {
    /** How long accepting stops after a failed accept. */
    public static final long PAUSE_MILLIS = 1000;

    private final Endpoint endpoint;
    private final IntSupplier connectionsOpen;
    private boolean paused;

    /**
     * A pause for one listening channel.
     *
     * @param endpoint where it listens, as configured (port 0 is shown as the port bound)
     * @param connectionsOpen how many connections are open, for the line
     */
    protected AcceptPause(Endpoint endpoint, IntSupplier connectionsOpen) {
        this.endpoint = endpoint;
        this.connectionsOpen = connectionsOpen;
    }

    /**
     * Reports a failed accept; called on the listening channel's event loop for every failure, so an implementation
     * limits how often it logs.
     *
     * @param line such as {@code cannot accept connections on tcp://127.0.0.1:8090: too many open files (EMFILE): the
     *     process may open 256 (ulimit -n); 190 connections open; accepting again in 1 s}
     */
    protected abstract void failed(String line);

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Not passed on: Netty's acceptor after this handler would pause too, and log the failure without naming it.
        Endpoint listening = ctx.channel().localAddress() instanceof InetSocketAddress bound
                ? Endpoint.of(endpoint.kind(), bound)
                : endpoint;
        failed("cannot accept connections on " + listening + ": " + Failures.describeResourceOrRoot(cause) + "; "
                + connectionsOpen.getAsInt() + " connections open; accepting again in 1 s");
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            ctx.executor()
                    .schedule(
                            () -> {
                                paused = false;
                                ctx.channel().config().setAutoRead(true);
                            },
                            PAUSE_MILLIS,
                            TimeUnit.MILLISECONDS);
        }
    }
}
