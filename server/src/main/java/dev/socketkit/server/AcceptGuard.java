package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * On a listening socket: when accepting fails, most often because the process has no file descriptor left (EMFILE)
 * or the system none (ENFILE), stops accepting for a second, then tries again. The connections already open go on
 * being served; nothing spins on an {@code accept} that fails at once; the failure is one WARN line a second that
 * names it ({@link Guard#ACCEPT_FAILED}), where Netty would log its generic "reached the tail of the pipeline".
 * Connections that arrive meanwhile wait in the listen backlog, so they are accepted within about a second of
 * descriptors being free.
 */
final class AcceptGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(Server.class);
    private static final long PAUSE_MILLIS = 1000;

    private final Endpoint endpoint;
    private final GuardLog guards;
    private final IntSupplier connectionsOpen;
    private boolean paused;

    /** {@code connectionsOpen} tells the log line how many connections are open. */
    AcceptGuard(Endpoint endpoint, GuardLog guards, IntSupplier connectionsOpen) {
        this.endpoint = endpoint;
        this.guards = guards;
        this.connectionsOpen = connectionsOpen;
    }

    /** Where the server listens: for TCP the bound address, so that port 0 shows as the port the OS chose. */
    private Endpoint listening(ChannelHandlerContext ctx) {
        return ctx.channel().localAddress() instanceof InetSocketAddress bound
                ? Endpoint.of(endpoint.kind(), bound)
                : endpoint;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Not passed on: Netty's acceptor after this handler would pause too, and log the failure without naming it.
        String more = guards.acted(Guard.ACCEPT_FAILED);
        if (more != null) {
            LOG.warn(
                    "cannot accept connections on {}: {}; {} connections open; accepting again in 1 s{}",
                    listening(ctx),
                    SocketFailures.describeResource(cause),
                    connectionsOpen.getAsInt(),
                    more);
        }
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
