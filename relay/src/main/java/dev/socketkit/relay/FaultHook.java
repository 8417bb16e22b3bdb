package dev.socketkit.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * The seam between the relay's forwarding and its faults: the relay tells the hook of every connection and datagram
 * session it opens, and the hook puts its faults in the way. The relay never looks inside a fault.
 *
 * <p>The contract the two sides keep, so that faults cannot break backpressure, ordering or half-closure:
 *
 * <ul>
 *   <li>The relay forwards {@link Direction#UPSTREAM} data by writing it to the target's channel and
 *       {@link Direction#DOWNSTREAM} data by writing it to the client's channel, always through the whole pipeline
 *       ({@code channel.write}), so that a fault handler added last sees plaintext, before any TLS handler.
 *   <li>The relay counts the bytes it has written in each direction whose write promise has not completed, and stops
 *       reading the sending side while that count is above its high mark. A fault that holds data back (latency,
 *       bandwidth) completes the promise only when it passes the data on; one that drops data on purpose completes
 *       it successfully; one that closes fails it.
 *   <li>The relay passes a half-close (shutdown of output) or a close on to the other side only when no write of that
 *       direction is outstanding, so held-back data is never overtaken. It closes with {@code channel.close()}
 *       through the pipeline, so a fault may delay the close (slow_close). A reset on one side resets the other at
 *       once.
 *   <li>Netty's {@code shutdownOutput()} bypasses the pipeline, so before it the relay writes {@link #END} through it
 *       and shuts the output only when that write's promise completes: a fault may hold the end back as it holds a
 *       close (slow_close) or data (latency). A fault passes {@code END} on as it is (an empty buffer, which the
 *       transport writes as nothing).
 * </ul>
 */
interface FaultHook {
    /** The marker of a half-close in a stream (see above): empty, unreleasable, never written for anything else. */
    ByteBuf END = Unpooled.unreleasableBuffer(Unpooled.buffer(0, 0));

    /** No faults: nothing is put in the way. */
    FaultHook NONE = new FaultHook() {
        @Override
        public void attachStream(long number, Channel client, Channel target) {}

        @Override
        public DatagramFaults attachDatagram(long number) {
            return DatagramFaults.NONE;
        }
    };

    /**
     * Puts stream faults in the way of one relayed connection. Called once per connection, on the client channel's
     * event loop (the target channel shares it), when both channels are active and before the first byte is
     * forwarded. Handlers are added with {@code pipeline().addLast}; the hook removes its own bookkeeping when either
     * channel closes.
     *
     * @param number the connection's ordinal, 1 for the first connection the relay accepted
     * @param client the channel to the client that connected to the relay; downstream data is written to it
     * @param target the channel to the target; upstream data is written to it
     */
    void attachStream(long number, Channel client, Channel target);

    /**
     * Opens the faults of one datagram session (one client address, one upstream socket). Called once per session,
     * on the event loop the session's datagrams are handled on.
     *
     * @param number the session's ordinal, 1 for the first client address the relay heard from
     * @return the session's faults, which the relay passes every datagram of the session through
     */
    DatagramFaults attachDatagram(long number);
}
