package dev.socketkit.relay;

import dev.socketkit.transport.SocketKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The live set of faults of one relay: thread-safe, and changed while traffic flows. A fault added applies to the
 * connections (or datagram sessions) already open as well as to later ones, as in Toxiproxy; a fault removed stops
 * at once, and what it held back (latency, bandwidth, slicer) is passed on in order. Each change is made on each
 * connection's own event loop.
 *
 * <p>Whether a fault applies to a connection is decided by its {@link Fault#connections() selection} and its
 * {@link Fault#toxicity() toxicity}, the latter by a draw from the seed, the fault's name and the connection's
 * ordinal; every other random choice (jitter, slice sizes, drops) comes from a sequence of the seed, the fault's name,
 * the ordinal and the direction. So the same seed gives the same choices on every run, whatever order threads run
 * in. A fault added later acts first: it is the nearest to the writer.
 */
public final class Faults implements FaultHook {
    private static final Logger LOG = LogManager.getLogger(Faults.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** One added fault; the id tells it from an earlier fault of the same name, removed meanwhile. */
    private record Entry(long id, Fault fault) {
        String handlerName(Direction direction) {
            return "fault#" + id + "-" + direction.name().toLowerCase(Locale.ROOT);
        }
    }

    private final SocketKind kind;
    private final long seed;
    private final Object lock = new Object();
    private final Map<String, Entry> entries = new LinkedHashMap<>(); // guarded by lock
    private final Map<Long, StreamConnection> streams = new ConcurrentHashMap<>();
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    /** Told of every fault that starts to apply; {@link RelayListener#NONE} but in a relay with a listener. */
    private RelayListener listener = RelayListener.NONE;

    /**
     * Creates an empty set.
     *
     * @param kind the kind of the relay's listening socket: which faults may be added
     * @param seed the seed every random choice derives from
     */
    public Faults(SocketKind kind, long seed) {
        this.kind = kind;
        this.seed = seed;
    }

    /**
     * {@return the faults a relay starts with: the config's, seeded by its seed or, without one, a random seed, which
     * is logged so that the run can be replayed}
     *
     * @throws IllegalArgumentException if a fault does not apply to the listen endpoint's kind, or two share a name
     */
    static Faults forRelay(RelayConfig config) {
        long seed = config.seed().orElseGet(() -> new SplittableRandom().nextLong());
        Faults faults = filled(config, seed);
        faults.listener = SafeListener.of(config.listener());
        if (!config.faults().isEmpty() && config.seed().isEmpty()) {
            LOG.info("faults seeded with {} (--seed {} replays their random choices)", seed, seed);
        }
        return faults;
    }

    /**
     * Checks a config's faults as {@link #forRelay} would take them, and logs nothing.
     *
     * @throws IllegalArgumentException if a fault does not apply to the listen endpoint's kind, or two share a name
     */
    static void check(RelayConfig config) {
        filled(config, 0);
    }

    private static Faults filled(RelayConfig config, long seed) {
        Faults faults = new Faults(config.listen().kind(), seed);
        config.faults().forEach(faults::add);
        return faults;
    }

    /** {@return the relay's listener, which every event of the relay goes to; exceptions it throws are caught} */
    RelayListener listener() {
        return listener;
    }

    /** {@return the seed every random choice derives from} */
    public long seed() {
        return seed;
    }

    /**
     * Adds a fault, to open connections as well as to later ones.
     *
     * @param fault a fault of this relay's kind, with a name no other fault here has
     * @throws IllegalArgumentException if it does not apply to this relay's kind, or its name is taken
     */
    public void add(Fault fault) {
        fault.requireAppliesTo(kind).checkConsistent();
        Entry entry;
        synchronized (lock) {
            if (entries.containsKey(fault.name())) {
                throw new IllegalArgumentException("a fault named '" + fault.name()
                        + "' is already there; remove it first, or give this one another name=");
            }
            entry = new Entry(IDS.incrementAndGet(), fault);
            entries.put(fault.name(), entry);
        }
        for (StreamConnection connection : streams.values()) {
            connection.client.eventLoop().execute(() -> connection.install(entry));
        }
        for (Session session : sessions.values()) {
            session.add(entry);
        }
    }

    /**
     * Removes a fault from open connections and later ones; what it held back is passed on, in order.
     *
     * @param name the fault's {@link Fault#name() name}
     * @return whether there was a fault of that name
     */
    public boolean remove(String name) {
        Entry entry;
        synchronized (lock) {
            entry = entries.remove(name);
        }
        if (entry == null) {
            return false;
        }
        removeEverywhere(entry);
        return true;
    }

    private void removeEverywhere(Entry entry) {
        for (StreamConnection connection : streams.values()) {
            connection.client.eventLoop().execute(() -> connection.uninstall(entry));
        }
        for (Session session : sessions.values()) {
            session.remove(entry);
        }
    }

    /** Removes every fault, as {@link #remove} each. */
    public void clear() {
        List<Entry> removed;
        synchronized (lock) {
            removed = new ArrayList<>(entries.values());
            entries.clear();
        }
        removed.forEach(this::removeEverywhere);
    }

    /** {@return the faults, in the order they were added} */
    public List<Fault> list() {
        synchronized (lock) {
            return entries.values().stream().map(Entry::fault).toList();
        }
    }

    /**
     * {@return the fault of this name, if there is one}
     *
     * @param name a fault's {@link Fault#name() name}
     */
    public Optional<Fault> get(String name) {
        synchronized (lock) {
            return Optional.ofNullable(entries.get(name)).map(Entry::fault);
        }
    }

    /**
     * {@return a future that completes once every change made so far is in place on every connection and session
     * open now} Changes are made on each connection's event loop, after the I/O it is busy with; a test that must know
     * a fault acts on the very next byte waits on this.
     */
    public CompletableFuture<Void> applied() {
        List<CompletableFuture<Void>> marks = new ArrayList<>();
        for (StreamConnection connection : streams.values()) {
            marks.add(mark(connection.client.eventLoop()));
        }
        for (Session session : sessions.values()) {
            EventExecutor on = session.loop();
            if (on != null) {
                marks.add(mark(on));
            }
        }
        return CompletableFuture.allOf(marks.toArray(CompletableFuture[]::new));
    }

    /** {@return a future completed by a task on {@code loop}: it runs after every task queued there before it} */
    private static CompletableFuture<Void> mark(EventExecutor loop) {
        CompletableFuture<Void> mark = new CompletableFuture<>();
        try {
            loop.execute(() -> mark.complete(null));
        } catch (RejectedExecutionException e) {
            mark.complete(null); // the loop has stopped: its connections are closed, nothing is left to change
        }
        return mark;
    }

    private List<Entry> snapshot() {
        synchronized (lock) {
            return new ArrayList<>(entries.values());
        }
    }

    /** {@return whether the fault applies to connection {@code number}: selected, and drawn by its toxicity} */
    private boolean applies(Fault fault, long number) {
        if (!fault.selector().matches(number)) {
            return false;
        }
        return fault.toxicity() >= 1.0
                || FaultRandom.of(seed, fault.name(), number, "toxicity").nextDouble() < fault.toxicity();
    }

    /**
     * Called by the relay for each connection it opens, on the connection's event loop, before the first byte is
     * forwarded: puts in the way the faults there are now, and later ones as they are added.
     *
     * @param number the connection's ordinal, from 1
     * @param client the channel to the client; downstream faults go in its pipeline
     * @param target the channel to the target; upstream faults go in its pipeline
     */
    @Override
    public void attachStream(long number, Channel client, Channel target) {
        StreamConnection connection = new StreamConnection(number, client, target);
        streams.put(number, connection);
        client.closeFuture().addListener(f -> streams.remove(number, connection));
        target.closeFuture().addListener(f -> streams.remove(number, connection));
        for (Entry entry : snapshot()) {
            connection.install(entry);
        }
    }

    /**
     * Called by the relay for each datagram session it opens, on the session's event loop.
     *
     * @param number the session's ordinal, from 1
     * @return the session's faults, now and as they change
     */
    @Override
    public DatagramFaults attachDatagram(long number) {
        Session session = new Session(number);
        sessions.put(number, session);
        for (Entry entry : snapshot()) {
            session.add(entry);
        }
        return session;
    }

    /** One relayed stream connection's two channels; its methods run on their (shared) event loop. */
    private final class StreamConnection {
        final long number;
        final Channel client;
        final Channel target;

        StreamConnection(long number, Channel client, Channel target) {
            this.number = number;
            this.client = client;
            this.target = target;
        }

        void install(Entry entry) {
            Fault fault = entry.fault();
            if (!applies(fault, number)) {
                return;
            }
            for (Direction direction : fault.directions()) {
                Channel channel = direction == Direction.UPSTREAM ? target : client;
                Channel peer = direction == Direction.UPSTREAM ? client : target;
                String name = entry.handlerName(direction);
                // Twice is possible (the connection opened while the fault was being added): the second is a no-op.
                if (channel.isOpen() && channel.pipeline().get(name) == null) {
                    channel.pipeline()
                            .addLast(
                                    name,
                                    StreamFaults.handler(
                                            fault, FaultRandom.of(seed, fault.name(), number, direction.name()), peer));
                    listener.faultApplied(number, false, fault, direction);
                }
            }
        }

        void uninstall(Entry entry) {
            for (Direction direction : entry.fault().directions()) {
                ChannelPipeline pipeline = (direction == Direction.UPSTREAM ? target : client).pipeline();
                String name = entry.handlerName(direction);
                if (pipeline.get(name) != null) {
                    pipeline.remove(name);
                }
            }
        }
    }

    /** One datagram session's faults; every call takes its lock, so adding from any thread is safe. */
    private final class Session implements DatagramFaults {
        private final long number;
        private final Map<Direction, Map<Long, DatagramStages.Stage>> stages = new EnumMap<>(Direction.class);
        /** Each applied fault's hits, by name, in the order they applied; removed faults' stay. */
        private final Map<String, Long> removedHits = new LinkedHashMap<>();

        private final Map<Long, String> names = new LinkedHashMap<>();
        private EventExecutor loop;
        private boolean closed;

        Session(long number) {
            this.number = number;
            for (Direction direction : Direction.values()) {
                stages.put(direction, new LinkedHashMap<>());
            }
        }

        synchronized void add(Entry entry) {
            Fault fault = entry.fault();
            if (closed || !applies(fault, number)) {
                return;
            }
            for (Direction direction : fault.directions()) {
                if (stages.get(direction).containsKey(entry.id())) {
                    continue; // added twice (the session opened while the fault was being added)
                }
                stages.get(direction)
                        .put(
                                entry.id(),
                                DatagramStages.stage(
                                        fault, FaultRandom.of(seed, fault.name(), number, direction.name()), this));
                names.put(entry.id(), fault.name());
                removedHits.putIfAbsent(fault.name(), 0L);
                listener.faultApplied(number, true, fault, direction);
            }
        }

        @Override
        public synchronized Map<String, Long> hits() {
            Map<String, Long> hits = new LinkedHashMap<>(removedHits);
            for (Map<Long, DatagramStages.Stage> direction : stages.values()) {
                direction.forEach((id, stage) -> hits.merge(names.get(id), stage.hits, Long::sum));
            }
            return hits;
        }

        synchronized EventExecutor loop() {
            return loop;
        }

        void remove(Entry entry) {
            EventExecutor on = loop();
            if (on == null) {
                removeNow(entry); // no datagram yet, so nothing held: nothing to send from this thread
            } else {
                // What the fault held is sent on the session's loop, where every other send of it is made.
                on.execute(() -> removeNow(entry));
            }
        }

        private synchronized void removeNow(Entry entry) {
            for (Map<Long, DatagramStages.Stage> direction : stages.values()) {
                DatagramStages.Stage stage = direction.remove(entry.id());
                if (stage != null) {
                    removedHits.merge(names.get(entry.id()), stage.hits, Long::sum);
                    stage.removed = true;
                    stage.flush();
                }
            }
        }

        @Override
        public synchronized void forward(
                Direction direction, ByteBuf payload, EventExecutor eventLoop, Consumer<ByteBuf> send) {
            if (closed) {
                payload.release();
                return;
            }
            loop = eventLoop;
            List<DatagramStages.Stage> chain =
                    new ArrayList<>(stages.get(direction).values());
            pass(chain, chain.size() - 1, payload, eventLoop, send);
        }

        /** The newest stage first, as on streams, where the handler added last is the nearest to the writer. */
        private void pass(
                List<DatagramStages.Stage> chain,
                int index,
                ByteBuf payload,
                EventExecutor eventLoop,
                Consumer<ByteBuf> send) {
            int i = index;
            while (i >= 0 && chain.get(i).removed) {
                i--; // removed while this datagram was held further up: it no longer acts
            }
            if (i < 0) {
                send.accept(payload);
                return;
            }
            int nextIndex = i - 1;
            chain.get(i).accept(payload, eventLoop, p -> pass(chain, nextIndex, p, eventLoop, send));
        }

        @Override
        public synchronized void close() {
            closed = true;
            for (Map<Long, DatagramStages.Stage> direction : stages.values()) {
                direction.values().forEach(DatagramStages.Stage::discard);
                direction.clear();
            }
            sessions.remove(number, this);
        }
    }
}
