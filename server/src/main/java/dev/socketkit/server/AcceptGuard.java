package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.AcceptPause;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.function.IntSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * On a server's listening socket: each accepted connection is numbered and admitted or refused by the {@link
 * ConnectionLimit} there ({@link ServerInitializer#accepted}), in accept order, before Netty's acceptor hands it to an event loop; a failed accept (EMFILE, ENFILE) pauses
 * accepting for a second ({@link AcceptPause}) and is counted as {@link Guard#ACCEPT_FAILED}, in one WARN line a second
 * at most.
 */
final class AcceptGuard extends AcceptPause {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final ServerInitializer initializer;

    /** {@code connectionsOpen} tells the log line how many connections are open. */
    AcceptGuard(Endpoint endpoint, ServerInitializer initializer, IntSupplier connectionsOpen) {
        super(endpoint, connectionsOpen);
        this.initializer = initializer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            initializer.accepted(ctx, child);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    protected void failed(String line) {
        String more = initializer.guards.acted(Guard.ACCEPT_FAILED);
        if (more != null) {
            LOG.warn("{}{}", line, more);
        }
    }
}
