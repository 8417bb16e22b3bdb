package dev.socketkit.relay;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The datagram faults, one {@link Stage} per fault, session and direction. A session calls its stages under its own
 * lock, from its event loop and from timers on it, so a stage needs no locking of its own.
 */
final class DatagramStages {
    private DatagramStages() {}

    /** One fault's step in a direction's chain: passes each datagram (whose ownership it takes) to {@code next}. */
    abstract static class Stage {
        private Object lock;

        /** Datagrams this stage acted on: dropped, duplicated, corrupted, held back. */
        long hits;

        /** Set when its fault is removed: a datagram released further up the chain then passes it by. */
        boolean removed;

        /**
         * @param payload the datagram, owned from now on
         * @param loop the session's event loop, for timers
         * @param next the rest of the chain, which takes ownership of what it is given
         */
        abstract void accept(ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> next);

        /** The fault is removed: pass on whatever is held, in order. */
        void flush() {}

        /** The session has ended: release whatever is held, send nothing. */
        void discard() {}

        /** {@return a timer on {@code loop} that runs {@code task} under the session's lock, as every other call} */
        final ScheduledFuture<?> later(EventExecutor loop, Runnable task, long nanos) {
            Object session = lock;
            return loop.schedule(
                    () -> {
                        synchronized (session) {
                            task.run();
                        }
                    },
                    nanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    /**
     * {@return the stage of one datagram fault in one direction of one session}
     *
     * @param fault a datagram fault
     * @param random its choices for this session and direction
     * @param lock the session's lock, which the stage's timers take
     */
    static Stage stage(Fault fault, SplittableRandom random, Object lock) {
        Stage stage =
                switch (fault.type()) {
                    case LATENCY ->
                        new Latency(
                                fault.duration("latency").toNanos(),
                                fault.duration("jitter").toNanos(),
                                random);
                    case DROP -> new Drop(fault.fraction("rate"), random);
                    case DUPLICATE -> new Duplicate(fault.fraction("rate"), random);
                    case CORRUPT -> new Corrupt(fault.fraction("rate"), random);
                    case REORDER ->
                        new Reorder(
                                fault.fraction("rate"),
                                (int) fault.bytes("gap"),
                                fault.duration("delay").toNanos(),
                                random);
                    default -> throw new IllegalArgumentException(fault.type().id() + " is not a datagram fault");
                };
        stage.lock = lock;
        return stage;
    }

    /** A stage that acts on each datagram with probability {@code rate}. */
    abstract static class Chance extends Stage {
        private final double rate;
        final SplittableRandom random;

        Chance(double rate, SplittableRandom random) {
            this.rate = rate;
            this.random = random;
        }

        /** {@return whether it acts on this datagram: one draw per datagram, always, so the sequence never shifts} */
        final boolean hit() {
            boolean hit = random.nextDouble() < rate;
            if (hit) {
                hits++;
            }
            return hit;
        }
    }

    /** Drops each datagram with probability {@code rate}. */
    static final class Drop extends Chance {
        Drop(double rate, SplittableRandom random) {
            super(rate, random);
        }

        @Override
        void accept(ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> next) {
            if (hit()) {
                payload.release();
            } else {
                next.accept(payload);
            }
        }
    }

    /** Sends each datagram twice with probability {@code rate}: a copy, then the datagram. */
    static final class Duplicate extends Chance {
        Duplicate(double rate, SplittableRandom random) {
            super(rate, random);
        }

        @Override
        void accept(ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> next) {
            if (hit()) {
                next.accept(payload.copy()); // a copy, not a view: a later corrupt must change one of them only
            }
            next.accept(payload);
        }
    }

    /** Flips one bit, chosen at random, of each datagram with probability {@code rate}; an empty one is sent as is. */
    static final class Corrupt extends Chance {
        Corrupt(double rate, SplittableRandom random) {
            super(rate, random);
        }

        @Override
        void accept(ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> next) {
            boolean hit = hit();
            if (hit && !payload.isReadable()) {
                hits--; // nothing to flip: sent as it is
            }
            if (hit && payload.isReadable()) {
                int bit = random.nextInt(payload.readableBytes() * 8);
                int index = payload.readerIndex() + bit / 8;
                payload.setByte(index, payload.getByte(index) ^ (1 << (bit % 8)));
            }
            next.accept(payload);
        }
    }

    /**
     * Holds a datagram back, with probability {@code rate}, until {@code gap} later datagrams have passed it, or
     * {@code delay} has, whichever comes first; one at a time (a datagram picked while one is held passes).
     */
    static final class Reorder extends Chance {
        private final int gap;
        private final long delay;
        private ByteBuf held;
        private Consumer<ByteBuf> heldNext;
        private ScheduledFuture<?> timer;
        private int passed;

        Reorder(double rate, int gap, long delay, SplittableRandom random) {
            super(rate, random);
            this.gap = gap;
            this.delay = delay;
        }

        @Override
        void accept(ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> next) {
            boolean pick = hit();
            if (pick && held != null) {
                hits--; // one is held already: this one passes, untouched
            }
            if (pick && held == null) {
                held = payload;
                heldNext = next;
                passed = 0;
                timer = later(loop, this::flush, delay);
                return;
            }
            next.accept(payload);
            if (held != null && ++passed >= gap) {
                flush();
            }
        }

        @Override
        void flush() {
            if (held != null) {
                timer.cancel(false);
                ByteBuf out = held;
                held = null;
                heldNext.accept(out);
            }
        }

        @Override
        void discard() {
            if (held != null) {
                timer.cancel(false);
                held.release();
                held = null;
            }
        }
    }

    /**
     * Holds each datagram back by {@code latency} ± {@code jitter}, each on its own: with jitter, datagrams may
     * arrive out of order, as they do on a real network.
     */
    static final class Latency extends Stage {
        private final class Held implements Runnable {
            final ByteBuf payload;
            final Consumer<ByteBuf> next;
            final long due;
            ScheduledFuture<?> timer;

            Held(ByteBuf payload, Consumer<ByteBuf> next, long due) {
                this.payload = payload;
                this.next = next;
                this.due = due;
            }

            @Override
            public void run() {
                if (pending.remove(this)) {
                    heldBytes -= payload.readableBytes();
                    next.accept(payload);
                }
            }
        }

        /**
         * The most bytes held back in one direction of one session: datagrams have no backpressure, so a flood through
         * a long latency would otherwise hold without bound. Past it a datagram is dropped, as a full queue on a real
         * path drops it.
         */
        static final int HELD_BYTES = 256 * 1024;

        /** The most datagrams held back, so that a flood of empty ones is bounded too. */
        static final int HELD_DATAGRAMS = 4096;

        private final long latency;
        private final long jitter;
        private final SplittableRandom random;
        private final Set<Held> pending = new LinkedHashSet<>();
        private long heldBytes;

        Latency(long latency, long jitter, SplittableRandom random) {
            this.latency = latency;
            this.jitter = jitter;
            this.random = random;
        }

        @Override
        void accept(ByteBuf payload, EventExecutor loop, Consumer<ByteBuf> next) {
            long delay = Math.max(0, latency + (jitter > 0 ? random.nextLong(-jitter, jitter) : 0));
            if (heldBytes + payload.readableBytes() > HELD_BYTES || pending.size() >= HELD_DATAGRAMS) {
                payload.release();
                return;
            }
            Held held = new Held(payload, next, System.nanoTime() + delay);
            hits++;
            heldBytes += payload.readableBytes();
            pending.add(held);
            held.timer = later(loop, held, delay);
        }

        @Override
        void flush() {
            List<Held> due = new ArrayList<>(pending);
            pending.clear();
            heldBytes = 0;
            due.sort(Comparator.comparingLong(h -> h.due));
            for (Held held : due) {
                held.timer.cancel(false);
                held.next.accept(held.payload);
            }
        }

        @Override
        void discard() {
            for (Held held : pending) {
                held.timer.cancel(false);
                held.payload.release();
            }
            pending.clear();
            heldBytes = 0;
        }
    }
}
