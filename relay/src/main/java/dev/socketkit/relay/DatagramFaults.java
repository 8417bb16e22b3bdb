package dev.socketkit.relay;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The faults of one datagram session, which the relay passes each of the session's datagrams through. Datagrams have
 * no backpressure to keep: a fault may drop, duplicate, hold back, reorder or corrupt them.
 */
interface DatagramFaults {
    /** No faults: every datagram is sent at once, unchanged. */
    DatagramFaults NONE = new DatagramFaults() {
        @Override
        public void forward(Direction direction, ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> send) {
            send.accept(payload);
        }

        @Override
        public void close() {}
    };

    /**
     * Passes one datagram on. Takes ownership of {@code payload}: it is either handed to {@code send} (which takes
     * ownership in turn) or released. {@code send} may be called zero times (dropped), once, or more than once with
     * buffers of the fault's own (duplicated), now or later on {@code loop}.
     *
     * @param direction which way the datagram goes
     * @param payload the datagram's bytes
     * @param loop the event loop to send later on
     * @param send writes one datagram of this direction to its destination
     */
    void forward(Direction direction, ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> send);

    /**
     * {@return for each fault that applied to the session, by name, how many datagrams it acted on so far, both
     * directions together}
     */
    default Map<String, Long> hits() {
        return Map.of();
    }

    /** The session has ended (expired or the relay stopped): release every datagram held back, send nothing more. */
    void close();
}
