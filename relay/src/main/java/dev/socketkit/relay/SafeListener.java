package dev.socketkit.relay;

import java.net.SocketAddress;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** A relay's listener with its exceptions caught: a listener's bug must not break a connection or stop a loop. */
final class SafeListener implements RelayListener {
    private static final Logger LOG = LogManager.getLogger(Relay.class);

    private final RelayListener listener;

    private SafeListener(RelayListener listener) {
        this.listener = listener;
    }

    static RelayListener of(RelayListener listener) {
        return listener == RelayListener.NONE || listener instanceof SafeListener
                ? listener
                : new SafeListener(listener);
    }

    /** Makes one call to the listener; what it throws is logged, and the event loop goes on. */
    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.debug("the relay's listener failed: {}", e.toString());
        }
    }

    @Override
    public void connectionOpened(long number, SocketAddress client, SocketAddress target) {
        safely(() -> listener.connectionOpened(number, client, target));
    }

    @Override
    public void connectionClosed(long number, long bytesUpstream, long bytesDownstream, String end) {
        safely(() -> listener.connectionClosed(number, bytesUpstream, bytesDownstream, end));
    }

    @Override
    public void sessionOpened(long number, SocketAddress client) {
        safely(() -> listener.sessionOpened(number, client));
    }

    @Override
    public void sessionClosed(long number, SessionTotals totals, String end, Map<String, Long> faultHits) {
        safely(() -> listener.sessionClosed(number, totals, end, faultHits));
    }

    @Override
    public void faultApplied(long number, boolean datagram, Fault fault, Direction direction) {
        safely(() -> listener.faultApplied(number, datagram, fault, direction));
    }
}
