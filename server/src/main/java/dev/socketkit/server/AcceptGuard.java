package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.AcceptPause;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.IntSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * On a server's listening socket: each accepted connection is admitted or refused by the {@link ConnectionLimit}
 * there, in accept order, before Netty's acceptor hands it to an event loop; a failed accept (EMFILE, ENFILE) pauses
 * accepting for a second ({@link AcceptPause}) and is counted as {@link Guard#ACCEPT_FAILED}, in one WARN line a second
 * at most.
 */
final class AcceptGuard extends AcceptPause {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final GuardLog guards;
    private final ConnectionLimit limit;

    /** {@code connectionsOpen} tells the log line how many connections are open. */
    AcceptGuard(Endpoint endpoint, GuardLog guards, ConnectionLimit limit, IntSupplier connectionsOpen) {
        super(endpoint, connectionsOpen);
        this.guards = guards;
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            limit.admit(ctx, child);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    protected void failed(String line) {
        String more = guards.acted(Guard.ACCEPT_FAILED);
        if (more != null) {
            LOG.warn("{}{}", line, more);
        }
    }
}
