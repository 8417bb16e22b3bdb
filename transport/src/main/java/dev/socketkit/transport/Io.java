package dev.socketkit.transport;

import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;

/**
 * Which transport to run on: one named {@link Transport}, or {@link #AUTO}, the best one this machine has.
 *
 * <p>{@code AUTO} prefers epoll, then io_uring, then kqueue, and falls back to NIO. epoll comes first because it
 * measured faster than io_uring for socketkit's echo servers on Linux 6.x with Netty 4.2.18 (see the README's
 * transport section); io_uring comes next where epoll cannot load.
 */
public enum Io {
    /** The best available transport that supports the socket kind. */
    AUTO(null),
    /** {@link Transport#NIO}. */
    NIO(Transport.NIO),
    /** {@link Transport#EPOLL}. */
    EPOLL(Transport.EPOLL),
    /** {@link Transport#IO_URING}. */
    IO_URING(Transport.IO_URING),
    /** {@link Transport#KQUEUE}. */
    KQUEUE(Transport.KQUEUE);

    private static final List<Transport> PREFERENCE = List.of(Transport.EPOLL, Transport.IO_URING, Transport.KQUEUE);

    private final Transport transport;

    Io(Transport transport) {
        this.transport = transport;
    }

    /**
     * {@return the name users type after {@code --io}: {@code auto}, {@code nio}, {@code epoll}, {@code io_uring},
     * {@code kqueue}}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an {@code --io} value, case-insensitively.
     *
     * @param text an {@link #id()} or constant name
     * @return the choice
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static Io parse(String text) {
        for (Io io : values()) {
            if (io.id().equalsIgnoreCase(text.strip()) || io.name().equalsIgnoreCase(text.strip())) {
                return io;
            }
        }
        throw new IllegalArgumentException(
                "unknown transport '" + text + "'; use auto, nio, epoll, kqueue or io_uring");
    }

    /**
     * Chooses the transport for a socket of {@code kind}, without starting anything.
     *
     * @param kind the kind of socket to carry
     * @return the named transport, or for {@code AUTO} the first available in order of preference
     * @throws IllegalArgumentException if the named transport has no sockets of that kind anywhere (a usage error)
     * @throws IllegalStateException if the named transport, or for {@code AUTO} every transport that could carry the
     *     kind, is not available on this machine
     */
    public Transport select(SocketKind kind) {
        if (transport != null) {
            if (!transport.supports(kind)) {
                throw new IllegalArgumentException(id() + " has no " + kind.scheme() + " sockets; "
                        + (kind == SocketKind.UNIXGRAM ? "use --io epoll or kqueue" : "use another --io"));
            }
            if (!transport.isAvailable()) {
                throw new IllegalStateException(id() + " is not available on this machine: "
                        + transport.unavailabilityCause().map(Io::reason).orElse("unknown reason"));
            }
            return transport;
        }
        StringBuilder why = new StringBuilder();
        for (Transport candidate : PREFERENCE) {
            if (candidate.supports(kind) && candidate.isAvailable()) {
                return candidate;
            }
            if (candidate.supports(kind)) {
                why.append(why.length() == 0 ? "" : "; ")
                        .append(candidate.id())
                        .append(": ")
                        .append(candidate.unavailabilityCause().map(Io::reason).orElse("unavailable"));
            }
        }
        if (!Transport.NIO.supports(kind)) {
            throw new IllegalStateException(
                    kind.scheme() + " sockets need epoll or kqueue, and neither is available (" + why + ")");
        }
        // The logger is made here, not with the class: the Log4j API sets itself up with its first logger, and a
        // command that writes no line need not pay for that (a scan of every jar on the class path).
        LogManager.getLogger(Io.class).info("using NIO: no native transport is available ({})", why);
        return Transport.NIO;
    }

    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
