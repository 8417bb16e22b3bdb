package dev.socketkit.transport;

import dev.socketkit.transport.internal.Sizes;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One socket option and its value, the tutorial's {@code setsockopt}: {@code SO_REUSEADDR}, {@code SO_RCVBUF}, {@code
 * TCP_NODELAY} and the others listed by {@link #names()}.
 *
 * <p>Settings are checked when made (the value) and again before a socket is bound (the socket kind and transport),
 * because Netty only logs a warning for an option a channel does not take and binds anyway.
 *
 * @param name the option's name, upper case, such as {@code SO_RCVBUF}
 * @param option the Netty option it sets
 * @param value the value, of the option's type
 */
public record SocketSetting(String name, ChannelOption<?> option, Object value) {
    private static final Set<SocketKind> ALL = EnumSet.allOf(SocketKind.class);
    private static final Set<SocketKind> INET = EnumSet.of(SocketKind.TCP, SocketKind.UDP);
    private static final Set<SocketKind> TCP = EnumSet.of(SocketKind.TCP);
    private static final Set<SocketKind> STREAM = EnumSet.of(SocketKind.TCP, SocketKind.UNIX);
    private static final Set<SocketKind> UDP = EnumSet.of(SocketKind.UDP);

    private static final Map<String, Spec> SPECS = new TreeMap<>();

    static {
        flag("SO_REUSEADDR", ChannelOption.SO_REUSEADDR, INET, true);
        flag("SO_REUSEPORT", UnixChannelOption.SO_REUSEPORT, INET, true);
        flag("TCP_NODELAY", ChannelOption.TCP_NODELAY, TCP, false);
        flag("SO_KEEPALIVE", ChannelOption.SO_KEEPALIVE, TCP, false);
        flag("SO_BROADCAST", ChannelOption.SO_BROADCAST, UDP, true);
        number("SO_RCVBUF", ChannelOption.SO_RCVBUF, ALL, 1, Integer.MAX_VALUE, true);
        number("SO_SNDBUF", ChannelOption.SO_SNDBUF, ALL, 1, Integer.MAX_VALUE, false);
        number("SO_LINGER", ChannelOption.SO_LINGER, STREAM, 0, Integer.MAX_VALUE, false);
        number("IP_TOS", ChannelOption.IP_TOS, INET, 0, 255, false);
    }

    /** Where an option belongs and what values it takes. */
    private record Spec(
            ChannelOption<?> option, Set<SocketKind> kinds, boolean listening, Function<String, Object> parser) {}

    /**
     * Makes a setting from an option name (any case) and its value as text: {@code true/false}, {@code yes/no},
     * {@code on/off} or {@code 1/0} for flags, a whole number for sizes and counts (sizes take a {@code k} or {@code m}
     * suffix, powers of 1024).
     *
     * @param name one of {@link #names()}, in any case
     * @param value the value as text
     * @return the setting
     * @throws IllegalArgumentException naming the option or value that is wrong
     */
    public static SocketSetting of(String name, String value) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        Spec spec = SPECS.get(upper);
        if (spec == null) {
            throw new IllegalArgumentException(
                    "unknown socket option '" + name + "'; known: " + String.join(", ", names()));
        }
        return new SocketSetting(upper, spec.option, spec.parser.apply(value.strip()));
    }

    /**
     * Parses {@code NAME=VALUE}, as {@code --sockopt} takes it.
     *
     * @param text the option name, {@code =}, and the value as {@link #of} takes them
     * @return the setting
     * @throws IllegalArgumentException if there is no {@code =}, or the name or value is wrong
     */
    public static SocketSetting parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("socket option '" + text + "' must be NAME=VALUE, e.g. SO_RCVBUF=65536");
        }
        return of(text.substring(0, eq), text.substring(eq + 1));
    }

    /** {@return the option names this class knows, sorted} */
    public static Set<String> names() {
        return SPECS.keySet();
    }

    /** {@return the socket kinds this option applies to} */
    public Set<SocketKind> kinds() {
        return SPECS.get(name).kinds;
    }

    /**
     * {@return whether a stream server sets this option on its listening socket rather than on each accepted
     * connection} It is set before {@code listen}, so accepted sockets inherit it.
     */
    public boolean onListeningSocket() {
        return SPECS.get(name).listening;
    }

    /**
     * Checks that this option can be set on a socket of {@code kind} carried by {@code transport}.
     *
     * @param kind the socket's kind
     * @param transport the transport that carries it
     * @throws IllegalArgumentException saying why it cannot
     */
    public void checkApplies(SocketKind kind, Transport transport) {
        if (!kinds().contains(kind)) {
            throw new IllegalArgumentException(name + " does not apply to " + kind.scheme() + " sockets");
        }
        if (option == UnixChannelOption.SO_REUSEPORT && transport == Transport.NIO) {
            throw new IllegalArgumentException(name + " needs a native transport (epoll, io_uring or kqueue), not nio");
        }
    }

    /**
     * Checks that every one of {@code settings} applies to sockets of {@code kind}, before the transport is known.
     *
     * @param settings the settings to check
     * @param kind the socket's kind
     * @throws IllegalArgumentException naming the first that does not
     */
    public static void checkKinds(List<SocketSetting> settings, SocketKind kind) {
        for (SocketSetting setting : settings) {
            if (!setting.kinds().contains(kind)) {
                throw new IllegalArgumentException(setting.name() + " does not apply to " + kind.scheme() + " sockets");
            }
        }
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }

    private static void flag(String name, ChannelOption<Boolean> option, Set<SocketKind> kinds, boolean listening) {
        SPECS.put(name, new Spec(option, kinds, listening, text -> parseFlag(name, text)));
    }

    private static void number(
            String name, ChannelOption<Integer> option, Set<SocketKind> kinds, int min, int max, boolean listening) {
        SPECS.put(name, new Spec(option, kinds, listening, text -> parseNumber(name, text, min, max)));
    }

    private static Boolean parseFlag(String name, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Boolean.TRUE;
            case "false", "no", "off", "0" -> Boolean.FALSE;
            default ->
                throw new IllegalArgumentException(name + " value '" + text + "' is not a flag; use true or false");
        };
    }

    private static Integer parseNumber(String name, String text, int min, int max) {
        long value;
        try {
            value = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " value " + e.getMessage());
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " value " + text + " is out of range " + min + "-"
                    + (max == Integer.MAX_VALUE ? "2^31-1" : max));
        }
        return (int) value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SocketSetting that && name.equals(that.name) && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value);
    }
}
