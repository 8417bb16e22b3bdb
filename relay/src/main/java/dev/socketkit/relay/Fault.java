package dev.socketkit.relay;

import dev.socketkit.transport.SocketKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One fault ("toxic" in Toxiproxy's words) to put between a relay's client and its target: a type, the direction(s)
 * it breaks, its attributes, its toxicity (the fraction of connections it applies to) and which connections it may
 * apply to. An immutable value: the {@code with...} methods return a changed copy.
 *
 * <p>The CLI's one syntax, {@link #parse}: {@code TYPE[:DIRECTION][:ATTR=VALUE,...]}, for example
 * {@code latency:downstream:latency=100ms,jitter=10ms}, {@code bandwidth:upstream:rate=64KiB},
 * {@code drop:both:rate=0.3}, {@code reset_peer:timeout=2s,connections=3n}. DIRECTION is {@code upstream} (client to
 * target), {@code downstream} (target to client, the default, as in Toxiproxy) or {@code both}. Besides its type's
 * attributes every fault takes {@code toxicity} (0 to 1, default 1), {@code connections} ({@code N}, {@code N-M},
 * {@code N-}, {@code Kn} for every K-th, {@code Kn+B}; default all) and {@code name} (default {@code TYPE_DIRECTION},
 * {@code latency_downstream}, as in Toxiproxy; {@code latency_both} for both). Durations take a unit ({@code 100ms},
 * {@code 2s}); sizes are bytes with {@code KiB}/{@code MiB} (or {@code k}/{@code m}) suffixes; rates are bytes per
 * second, typed as sizes.
 */
public final class Fault {
    /** The kinds of fault, with Toxiproxy's names for the ones it has. */
    public enum Type {
        /** Holds each chunk back by {@code latency} ± {@code jitter}; streams keep their order. Streams and datagrams. */
        LATENCY(
                "latency",
                true,
                true,
                FaultAttribute.duration("latency", Duration.ZERO, Duration.ofHours(1)),
                FaultAttribute.duration("jitter", Duration.ZERO, Duration.ofHours(1))),
        /** Passes at most {@code rate} bytes per second. Streams. */
        BANDWIDTH("bandwidth", true, false, FaultAttribute.rate("rate", 0, 1L << 40)),
        /** Cuts data into slices of {@code average_size} ± {@code size_variation}, {@code delay} apart. Streams. */
        SLICER(
                "slicer",
                true,
                false,
                FaultAttribute.size("average_size", 1024, 1, 64 << 20),
                FaultAttribute.size("size_variation", 0, 0, 64 << 20),
                FaultAttribute.duration("delay", Duration.ZERO, Duration.ofHours(1))),
        /** Passes {@code bytes} bytes, then closes the connection. Streams. */
        LIMIT_DATA("limit_data", true, false, FaultAttribute.size("bytes", 0, 0, Long.MAX_VALUE)),
        /** Passes nothing and closes the connection after {@code timeout} (0: never, until removed). Streams. */
        TIMEOUT("timeout", true, false, FaultAttribute.duration("timeout", Duration.ZERO, Duration.ofDays(1))),
        /** At the first data, passes nothing more and resets the connection after {@code timeout}. Streams. */
        RESET_PEER("reset_peer", true, false, FaultAttribute.duration("timeout", Duration.ZERO, Duration.ofDays(1))),
        /** Holds a close back by {@code delay}. Streams. */
        SLOW_CLOSE("slow_close", true, false, FaultAttribute.duration("delay", Duration.ZERO, Duration.ofHours(1))),
        /** Drops each datagram with probability {@code rate}. Datagrams. */
        DROP("drop", false, true, FaultAttribute.fraction("rate", 1.0)),
        /** Sends each datagram twice with probability {@code rate}. Datagrams. */
        DUPLICATE("duplicate", false, true, FaultAttribute.fraction("rate", 1.0)),
        /**
         * Holds a datagram back, with probability {@code rate}, until {@code gap} later ones have passed it, or for
         * {@code delay} at most. Datagrams.
         */
        REORDER(
                "reorder",
                false,
                true,
                FaultAttribute.fraction("rate", 1.0),
                FaultAttribute.count("gap", 1, 1, 1000),
                FaultAttribute.duration("delay", Duration.ofMillis(100), Duration.ofMinutes(1))),
        /** Flips one random bit of a datagram with probability {@code rate}. Datagrams. */
        CORRUPT("corrupt", false, true, FaultAttribute.fraction("rate", 1.0));

        private final String id;
        private final boolean streams;
        private final boolean datagrams;
        private final List<FaultAttribute> attributes;

        Type(String id, boolean streams, boolean datagrams, FaultAttribute... attributes) {
            this.id = id;
            this.streams = streams;
            this.datagrams = datagrams;
            this.attributes = List.of(attributes);
        }

        /** {@return the type's name as typed and as Toxiproxy spells it: {@code latency}, {@code limit_data}} */
        public String id() {
            return id;
        }

        /**
         * {@return whether this type applies to relays of this kind: stream faults to tcp, tls and unix relays,
         * datagram faults to udp and unixgram relays}
         *
         * @param kind the kind of the relay's listening socket
         */
        public boolean appliesTo(SocketKind kind) {
            return kind.isDatagram() ? datagrams : streams;
        }

        List<FaultAttribute> attributes() {
            return attributes;
        }

        /** {@return the type named {@code id}} */
        static Type of(String id) {
            String lower = id.strip().toLowerCase(Locale.ROOT);
            for (Type type : values()) {
                if (type.id.equals(lower)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("unknown fault '" + id + "'; accepted: " + ids());
        }

        static String ids() {
            return Arrays.stream(values()).map(Type::id).collect(Collectors.joining(", "));
        }

        FaultAttribute attribute(String name) {
            for (FaultAttribute attribute : attributes) {
                if (attribute.name().equals(name)) {
                    return attribute;
                }
            }
            throw new IllegalArgumentException(id + " has no attribute '" + name + "'; accepted: " + attributeNames());
        }

        private String attributeNames() {
            String own = attributes.stream().map(FaultAttribute::name).collect(Collectors.joining(", "));
            return (own.isEmpty() ? "" : own + ", ") + "toxicity, connections, name";
        }
    }

    private static final String DIRECTIONS = "upstream, downstream, both";

    private final Type type;
    private final String name;
    private final boolean named;
    private final Set<Direction> directions;
    private final Map<String, Object> attributes;
    private final double toxicity;
    private final ConnectionSelector connections;

    private Fault(
            Type type,
            String name,
            boolean named,
            Set<Direction> directions,
            Map<String, Object> attributes,
            double toxicity,
            ConnectionSelector connections) {
        this.type = type;
        this.named = named;
        this.directions = Collections.unmodifiableSet(EnumSet.copyOf(directions));
        this.name = named ? name : type.id + "_" + directionWord(this.directions);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.toxicity = toxicity;
        this.connections = connections;
    }

    /**
     * {@return a fault of this type with every attribute at its default, downstream, on every connection}
     *
     * @param type the kind of fault
     */
    public static Fault of(Type type) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (FaultAttribute attribute : type.attributes()) {
            defaults.put(attribute.name(), attribute.defaultValue());
        }
        return new Fault(type, null, false, EnumSet.of(Direction.DOWNSTREAM), defaults, 1.0, ConnectionSelector.ALL);
    }

    /**
     * {@return {@code latency} held back by each chunk (stream) or datagram}
     *
     * @param latency the delay, up to an hour
     */
    public static Fault latency(Duration latency) {
        return of(Type.LATENCY).with("latency", latency);
    }

    /**
     * {@return a limit of {@code bytesPerSecond}}
     *
     * @param bytesPerSecond the most bytes passed on each second; 0 for no limit, as in Toxiproxy
     */
    public static Fault bandwidth(long bytesPerSecond) {
        return of(Type.BANDWIDTH).with("rate", bytesPerSecond);
    }

    /**
     * {@return slices of {@code averageSize} bytes}
     *
     * @param averageSize the slices' average size in bytes, at least 1
     */
    public static Fault slicer(long averageSize) {
        return of(Type.SLICER).with("average_size", averageSize);
    }

    /**
     * {@return a close after {@code bytes} bytes}
     *
     * @param bytes how many bytes pass before the connection is closed
     */
    public static Fault limitData(long bytes) {
        return of(Type.LIMIT_DATA).with("bytes", bytes);
    }

    /**
     * {@return a stop: nothing passes, and the connection is closed after {@code timeout}}
     *
     * @param timeout how long until the close; zero for never (until the fault is removed)
     */
    public static Fault timeout(Duration timeout) {
        return of(Type.TIMEOUT).with("timeout", timeout);
    }

    /**
     * {@return a reset {@code timeout} after the first data}
     *
     * @param timeout how long after the first data the connection is reset; zero for at once
     */
    public static Fault resetPeer(Duration timeout) {
        return of(Type.RESET_PEER).with("timeout", timeout);
    }

    /**
     * {@return a close held back by {@code delay}}
     *
     * @param delay how long a close waits
     */
    public static Fault slowClose(Duration delay) {
        return of(Type.SLOW_CLOSE).with("delay", delay);
    }

    /**
     * {@return datagrams dropped with probability {@code rate}}
     *
     * @param rate from 0 to 1
     */
    public static Fault drop(double rate) {
        return of(Type.DROP).with("rate", rate);
    }

    /**
     * {@return datagrams sent twice with probability {@code rate}}
     *
     * @param rate from 0 to 1
     */
    public static Fault duplicate(double rate) {
        return of(Type.DUPLICATE).with("rate", rate);
    }

    /**
     * {@return datagrams held back past the next one with probability {@code rate}}
     *
     * @param rate from 0 to 1
     */
    public static Fault reorder(double rate) {
        return of(Type.REORDER).with("rate", rate);
    }

    /**
     * {@return datagrams with one bit flipped with probability {@code rate}}
     *
     * @param rate from 0 to 1
     */
    public static Fault corrupt(double rate) {
        return of(Type.CORRUPT).with("rate", rate);
    }

    /**
     * Parses the CLI's syntax, {@code TYPE[:DIRECTION][:ATTR=VALUE,...]}.
     *
     * @param spec for example {@code latency:downstream:latency=100ms,jitter=10ms}
     * @return the fault
     * @throws IllegalArgumentException with a one-line message that names the bad part, what is wrong and what is
     *     accepted
     */
    public static Fault parse(String spec) {
        String[] parts = spec.strip().split(":", 3);
        if (parts[0].isBlank()) {
            throw new IllegalArgumentException("fault '" + spec
                    + "' names no type; expected TYPE[:DIRECTION][:ATTR=VALUE,...], TYPE one of " + Type.ids());
        }
        Fault fault = of(Type.of(parts[0]));
        String attributes = null;
        if (parts.length == 2 && parts[1].contains("=")) {
            attributes = parts[1];
        } else if (parts.length >= 2) {
            fault = fault.withDirections(parseDirection(parts[1]));
            attributes = parts.length == 3 ? parts[2] : null;
        }
        if (attributes != null) {
            for (String pair : attributes.split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + pair + "' in fault '" + spec
                            + "' is not ATTR=VALUE; attributes are separated by commas");
                }
                fault = fault.with(pair.substring(0, eq).strip(), pair.substring(eq + 1));
            }
        }
        return fault.checkConsistent();
    }

    private static Set<Direction> parseDirection(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "upstream" -> EnumSet.of(Direction.UPSTREAM);
            case "downstream" -> EnumSet.of(Direction.DOWNSTREAM);
            case "both" -> EnumSet.allOf(Direction.class);
            default ->
                throw new IllegalArgumentException("'" + text + "' is not a fault direction; accepted: " + DIRECTIONS);
        };
    }

    private static String directionWord(Set<Direction> directions) {
        return directions.size() == 2
                ? "both"
                : directions.iterator().next().name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return a copy with one attribute changed}
     *
     * @param attribute an attribute of this type, or {@code toxicity}, {@code connections} or {@code name}
     * @param value a {@link Duration} for durations, a number for the others, or the value as typed (a {@link String}:
     *     {@code "100ms"}, {@code "64KiB"}, {@code "0.3"}, {@code "3n"})
     * @throws IllegalArgumentException for an unknown attribute or a value of the wrong unit or out of range
     */
    public Fault with(String attribute, Object value) {
        Objects.requireNonNull(value, attribute);
        switch (attribute) {
            case "toxicity" -> {
                FaultAttribute spec = FaultAttribute.fraction("toxicity", 1.0);
                Object held = value instanceof String text ? spec.parse(type.id, text) : spec.check(type.id, value);
                return new Fault(type, name, named, directions, attributes, (Double) held, connections);
            }
            case "connections" -> {
                return new Fault(
                        type,
                        name,
                        named,
                        directions,
                        attributes,
                        toxicity,
                        ConnectionSelector.parse(value.toString()));
            }
            case "name" -> {
                return withName(value.toString());
            }
            default -> {
                FaultAttribute spec = type.attribute(attribute);
                Object held = value instanceof String text ? spec.parse(type.id, text) : spec.check(type.id, value);
                Map<String, Object> changed = new LinkedHashMap<>(attributes);
                changed.put(attribute, held);
                return new Fault(type, name, named, directions, changed, toxicity, connections);
            }
        }
    }

    /**
     * Checks what one attribute alone cannot: a slicer's variation below its average. Called once the attributes are
     * all set (end of {@link #parse}, {@link Faults#add}), so that they may be set in any order.
     */
    Fault checkConsistent() {
        if (type == Type.SLICER && bytes("size_variation") >= bytes("average_size")) {
            throw new IllegalArgumentException("slicer size_variation=" + bytes("size_variation")
                    + " is out of range; accepted: 0 to average_size - 1 (" + (bytes("average_size") - 1) + ")");
        }
        return this;
    }

    /**
     * {@return a copy with a jitter: each delay is {@code latency} ± up to {@code jitter}, never below zero}
     *
     * @param jitter up to an hour; only for {@link Type#LATENCY}
     */
    public Fault withJitter(Duration jitter) {
        return with("jitter", jitter);
    }

    /**
     * {@return a copy that breaks this one direction}
     *
     * @param direction upstream (client to target) or downstream (target to client)
     */
    public Fault withDirection(Direction direction) {
        return withDirections(EnumSet.of(direction));
    }

    /** {@return a copy that breaks both directions, each with its own timers and random choices} */
    public Fault withBothDirections() {
        return withDirections(EnumSet.allOf(Direction.class));
    }

    private Fault withDirections(Set<Direction> newDirections) {
        return new Fault(type, name, named, newDirections, attributes, toxicity, connections);
    }

    /**
     * {@return a copy with a name of its own, which {@link Faults#remove} takes}
     *
     * @param newName not blank, no {@code ,} or {@code :}
     */
    public Fault withName(String newName) {
        String value = newName.strip();
        if (value.isEmpty() || value.contains(",") || value.contains(":")) {
            throw new IllegalArgumentException(
                    "fault name '" + newName + "' is not accepted; a name is not blank and has no ',' or ':'");
        }
        return new Fault(type, value, true, directions, attributes, toxicity, connections);
    }

    /**
     * {@return a copy that applies to this fraction of connections (or datagram sessions), chosen by the seed}
     *
     * @param newToxicity from 0 to 1
     */
    public Fault withToxicity(double newToxicity) {
        return with("toxicity", newToxicity);
    }

    /**
     * {@return a copy that applies only to the selected connections (or datagram sessions), counted from 1}
     *
     * @param selection {@code N}, {@code N-M}, {@code N-} (from N on), {@code Kn} (every K-th) or {@code Kn+B}
     */
    public Fault withConnections(String selection) {
        return with("connections", selection);
    }

    /** {@return the kind of fault} */
    public Type type() {
        return type;
    }

    /** {@return the fault's name: its own, or {@code TYPE_DIRECTION} ({@code latency_downstream})} */
    public String name() {
        return name;
    }

    /** {@return the directions it breaks: one, or both} */
    public Set<Direction> directions() {
        return directions;
    }

    /**
     * {@return every attribute of its type, by name, in the type's order: a {@link Duration} for durations, a
     * {@link Long} for sizes, rates and counts, a {@link Double} for fractions}
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** {@return the fraction of connections (or datagram sessions) it applies to, from 0 to 1} */
    public double toxicity() {
        return toxicity;
    }

    /** {@return the connections it may apply to, as typed: {@code 1-} for all} */
    public String connections() {
        return connections.toString();
    }

    ConnectionSelector selector() {
        return connections;
    }

    Duration duration(String attribute) {
        return (Duration) attributes.get(attribute);
    }

    long bytes(String attribute) {
        return (Long) attributes.get(attribute);
    }

    double fraction(String attribute) {
        return (Double) attributes.get(attribute);
    }

    /**
     * {@return whether it applies to relays of this kind}
     *
     * @param kind the kind of the relay's listening socket
     */
    public boolean appliesTo(SocketKind kind) {
        return type.appliesTo(kind);
    }

    /**
     * Checks that it applies to relays of this kind.
     *
     * @param kind the kind of the relay's listening socket
     * @return this fault
     * @throws IllegalArgumentException with a one-line message that names the fault and the kinds it applies to
     */
    public Fault requireAppliesTo(SocketKind kind) {
        if (!appliesTo(kind)) {
            String kinds = type.streams ? "stream relays (tcp, tls, unix)" : "datagram relays (udp, unixgram)";
            throw new IllegalArgumentException(
                    "fault '" + type.id + "' applies to " + kinds + " only, not to a " + kind.scheme() + " relay");
        }
        return this;
    }

    /** {@return the fault in the CLI's syntax, every attribute spelled out; {@link #parse} gives it back} */
    @Override
    public String toString() {
        StringBuilder spec = new StringBuilder(type.id)
                .append(':')
                .append(directionWord(directions))
                .append(':');
        attributes.forEach((key, value) -> spec.append(key)
                .append('=')
                .append(FaultAttribute.format(value))
                .append(','));
        spec.append("toxicity=").append(toxicity).append(",connections=").append(connections);
        if (named) {
            spec.append(",name=").append(name);
        }
        return spec.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Fault f
                && type == f.type
                && name.equals(f.name)
                && directions.equals(f.directions)
                && attributes.equals(f.attributes)
                && toxicity == f.toxicity
                && connections.equals(f.connections);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, directions, attributes, toxicity, connections);
    }
}
