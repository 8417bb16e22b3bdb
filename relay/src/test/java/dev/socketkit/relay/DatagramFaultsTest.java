package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.SocketKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The datagram faults' deterministic logic, one session driven on one executor: what passes, in what order, and that
 * the seed replays it. Their effect on real sockets is measured through the relay in {@code RelayFaultsTest}.
 */
class DatagramFaultsTest {
    private final EventExecutor loop = new DefaultEventExecutor();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends {@code count} numbered datagrams upstream through one session and returns the numbers that came out. */
    private List<Integer> run(Faults faults, long session, int count) throws Exception {
        List<Integer> out = new ArrayList<>();
        DatagramFaults session0 = faults.attachDatagram(session);
        loop.submit(() -> {
                    for (int i = 0; i < count; i++) {
                        session0.forward(Direction.UPSTREAM, Unpooled.buffer(4).writeInt(i), loop, buf -> {
                            out.add(buf.getInt(buf.readerIndex()));
                            buf.release();
                        });
                    }
                    session0.close();
                })
                .get(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void theSameSeedDropsTheSameDatagramsAndAnotherSeedOthers() throws Exception {
        Fault drop = Fault.drop(0.3).withDirection(Direction.UPSTREAM);
        Faults first = new Faults(SocketKind.UDP, 42);
        first.add(drop);
        Faults again = new Faults(SocketKind.UDP, 42);
        again.add(drop);
        Faults other = new Faults(SocketKind.UDP, 43);
        other.add(drop);
        List<Integer> passed = run(first, 1, 1000);
        assertTrue(passed.size() < 800, passed.size() + " of 1,000 passed");
        assertEquals(passed, run(again, 1, 1000));
        assertNotEquals(passed, run(other, 1, 1000));
        assertNotEquals(passed, run(again, 2, 1000), "each session has a sequence of its own");
    }

    @Test
    void dropsAtItsRateOnlyUpstreamWhenUpstream() throws Exception {
        Faults faults = new Faults(SocketKind.UDP, 7);
        faults.add(Fault.drop(0.3).withDirection(Direction.UPSTREAM));
        int passed = run(faults, 1, 10_000).size();
        assertTrue(passed >= 6700 && passed <= 7300, passed + " of 10,000 passed");
        List<ByteBuf> down = new ArrayList<>();
        DatagramFaults session = faults.attachDatagram(2);
        loop.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        session.forward(Direction.DOWNSTREAM, Unpooled.buffer(1).writeByte(i), loop, down::add);
                    }
                })
                .get(10, TimeUnit.SECONDS);
        assertEquals(100, down.size());
        down.forEach(ByteBuf::release);
        session.close();
    }

    @Test
    void duplicateSendsACopyFirst() throws Exception {
        Faults faults = new Faults(SocketKind.UDP, 7);
        faults.add(Fault.duplicate(1.0).withDirection(Direction.UPSTREAM));
        assertEquals(List.of(0, 0, 1, 1, 2, 2), run(faults, 1, 3));
    }

    @Test
    void reorderLetsTheGapPassFirst() throws Exception {
        Faults faults = new Faults(SocketKind.UDP, 7);
        faults.add(Fault.reorder(1.0).with("gap", 2L).withDirection(Direction.UPSTREAM));
        // 0 is held until 1 and 2 pass; 3 is held until 4 and 5 pass; 6 is held, and released by the session's end?
        // No: the end releases nothing (a session that ends drops what is held), so 6 is not sent.
        assertEquals(List.of(1, 2, 0, 4, 5, 3), run(faults, 1, 7));
    }

    @Test
    void corruptFlipsExactlyOneBit() throws Exception {
        Faults faults = new Faults(SocketKind.UDP, 7);
        faults.add(Fault.corrupt(1.0).withDirection(Direction.UPSTREAM));
        List<Integer> out = run(faults, 1, 200);
        for (int i = 0; i < out.size(); i++) {
            assertEquals(1, Integer.bitCount(out.get(i) ^ i), "datagram " + i + " came out as " + out.get(i));
        }
    }

    @Test
    void latencyHeldWhenRemovedIsSentAtOnceInOrder() throws Exception {
        Faults faults = new Faults(SocketKind.UDP, 7);
        faults.add(Fault.latency(java.time.Duration.ofHours(1)).withDirection(Direction.UPSTREAM));
        List<Integer> out = new ArrayList<>();
        DatagramFaults session = faults.attachDatagram(1);
        loop.submit(() -> {
                    for (int i = 0; i < 5; i++) {
                        session.forward(Direction.UPSTREAM, Unpooled.buffer(4).writeInt(i), loop, buf -> {
                            out.add(buf.getInt(0));
                            buf.release();
                        });
                    }
                })
                .get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), loop.submit(() -> List.copyOf(out)).get());
        assertTrue(faults.remove("latency_upstream"));
        assertEquals(List.of(0, 1, 2, 3, 4), loop.submit(() -> List.copyOf(out)).get(10, TimeUnit.SECONDS));
        loop.submit(session::close).get();
    }

    @Test
    void latencyHoldsABoundedAmountOfAFlood() throws Exception {
        Faults faults = new Faults(SocketKind.UDP, 7);
        faults.add(Fault.latency(java.time.Duration.ofHours(1)).withDirection(Direction.UPSTREAM));
        List<Integer> out = new ArrayList<>();
        DatagramFaults session = faults.attachDatagram(1);
        loop.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        ByteBuf datagram = Unpooled.buffer(100).writeInt(i).writeZero(96);
                        session.forward(Direction.UPSTREAM, datagram, loop, buf -> {
                            out.add(buf.getInt(0));
                            buf.release();
                        });
                    }
                })
                .get(10, TimeUnit.SECONDS);
        faults.remove("latency_upstream");
        List<Integer> released = loop.submit(() -> List.copyOf(out)).get(10, TimeUnit.SECONDS);
        // 256 KiB of 100-byte datagrams: the first 2,621 are held, the rest of the flood dropped.
        assertEquals(DatagramStages.Latency.HELD_BYTES / 100, released.size());
        for (int i = 0; i < released.size(); i++) {
            assertEquals(i, released.get(i));
        }
        loop.submit(session::close).get();
    }
}
