package dev.socketkit.server;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.AcceptPause;
import java.util.function.IntSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * On a server's listening socket: a failed accept (EMFILE, ENFILE) pauses accepting for a second ({@link AcceptPause})
 * and is counted as {@link Guard#ACCEPT_FAILED}, in one WARN line a second at most.
 */
final class AcceptGuard extends AcceptPause {
    private static final Logger LOG = LogManager.getLogger(Server.class);

    private final GuardLog guards;

    /** {@code connectionsOpen} tells the log line how many connections are open. */
    AcceptGuard(Endpoint endpoint, GuardLog guards, IntSupplier connectionsOpen) {
        super(endpoint, connectionsOpen);
        this.guards = guards;
    }

    @Override
    protected void failed(String line) {
        String more = guards.acted(Guard.ACCEPT_FAILED);
        if (more != null) {
            LOG.warn("{}{}", line, more);
        }
    }
}
