package dev.socketkit.server;

import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What a datagram server may answer, source by source. Three guards, each saying which {@link Guard} drops a datagram:
 *
 * <ul>
 *   <li><b>Loops</b> (BSD inetd's {@code check_loop}): never answer a source port whose service answers everything
 *       (0, 7 echo, 9 discard, 13 daytime, 17 qotd, 19 chargen, 37 time), the server's own socket, or a broadcast,
 *       multicast or wildcard source. One forged datagram "from" another echo server would otherwise set the two
 *       answering each other for ever (CERT CA-1996-01).
 *   <li><b>Rate</b>: each source may be answered {@code rate} datagrams a second, with a burst of as many (a token
 *       bucket, kept as one theoretical arrival time per source: GCRA). This also holds two servers that some forged
 *       datagram set on each other to the budget.
 *   <li><b>Amplification</b> (RFC 9000 §8.1): a source may be sent at most three times the bytes it sent, so a
 *       forged source cannot turn the server into an amplifier against its victim.
 * </ul>
 *
 * <p>The table of sources is bounded: it remembers the {@value #MAX_SOURCES} sources seen last, forgetting the least
 * recently seen, so a flood of forged sources costs a bounded amount of memory. A forgotten source starts again with a
 * full bucket and no amplification credit. Without a rate or an amplification limit (loopback and Unix sockets, by
 * default) the table is never touched. Not thread-safe: the datagram socket's event loop is its only user.
 */
final class DatagramSources {
    /** How many sources the table remembers. */
    static final int MAX_SOURCES = 10_000;

    /** How many times the bytes a source sent the server may send it back. */
    static final int AMPLIFICATION_FACTOR = 3;

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final InetAddress LIMITED_BROADCAST = limitedBroadcast();

    private final SocketAddress local;
    private final Set<InetAddress> localAddresses;
    private final Set<InetAddress> broadcasts;
    private final long interval;
    private final long burst;
    private final boolean limitAmplification;
    private final LongSupplier clock;
    private final Map<SocketAddress, Source> sources;

    /** What the server knows of one source. */
    private static final class Source {
        long arrival; // the theoretical arrival time of its next datagram, in clock nanos
        long received;
        long sent;
    }

    /**
     * @param local the address the server's socket is bound to
     * @param rate datagrams a second per source; 0 for no limit
     * @param limitAmplification whether answers are limited to three times what each source sent
     * @param clock nanoseconds, as {@link System#nanoTime()}
     */
    DatagramSources(SocketAddress local, int rate, boolean limitAmplification, LongSupplier clock) {
        this.local = local;
        this.interval = rate > 0 ? Math.max(1, SECOND / rate) : 0;
        this.burst = rate > 0 ? SECOND - interval : 0;
        this.limitAmplification = limitAmplification;
        this.clock = clock;
        this.localAddresses = new HashSet<>();
        this.broadcasts = new HashSet<>();
        readInterfaces(localAddresses, broadcasts);
        // The limited broadcast address, whatever the interfaces say; a set lookup per datagram, no address copied.
        broadcasts.add(LIMITED_BROADCAST);
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<SocketAddress, Source> eldest) {
                return size() > MAX_SOURCES;
            }
        };
    }

    private static InetAddress limitedBroadcast() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255});
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible); // four bytes are always an IPv4 address
        }
    }

    /** The addresses of this machine's interfaces and their broadcast addresses, read once at start. */
    private static void readInterfaces(Set<InetAddress> addresses, Set<InetAddress> broadcasts) {
        try {
            var interfaces = NetworkInterface.networkInterfaces().toList();
            for (NetworkInterface nic : interfaces) {
                for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                    addresses.add(address.getAddress());
                    if (address.getBroadcast() != null) {
                        broadcasts.add(address.getBroadcast());
                    }
                }
            }
        } catch (SocketException | RuntimeException unreadable) {
            // Without the list, the server's own address is still known exactly; only a wildcard bind loses precision.
        }
    }

    /**
     * Whether a datagram of {@code bytes} from {@code sender} may be answered.
     *
     * @return null to answer it, or the guard that drops it
     */
    Guard admit(SocketAddress sender, int bytes) {
        if (mayLoop(sender)) {
            return Guard.DATAGRAM_LOOP;
        }
        if (interval == 0 && !limitAmplification) {
            return null;
        }
        Source source = sources.get(sender);
        if (source == null) {
            source = new Source();
            sources.put(sender, source);
            source.arrival = clock.getAsLong();
        }
        if (interval > 0) {
            long now = clock.getAsLong();
            long arrival = Math.max(source.arrival, now);
            if (arrival - now > burst) {
                return Guard.DATAGRAM_RATE;
            }
            source.arrival = arrival + interval;
        }
        source.received += bytes;
        return null;
    }

    /**
     * Whether an answer of {@code bytes} may go to {@code recipient}; counts it against the source's credit if so.
     *
     * @return null to send it, or the guard that drops it
     */
    Guard mayAnswer(SocketAddress recipient, int bytes) {
        if (!limitAmplification) {
            return null;
        }
        Source source = sources.get(recipient);
        if (source == null || source.sent + bytes > AMPLIFICATION_FACTOR * source.received) {
            return Guard.DATAGRAM_AMPLIFICATION;
        }
        source.sent += bytes;
        return null;
    }

    /** {@return how many sources the table remembers now} */
    int remembered() {
        return sources.size();
    }

    /** Whether answering {@code sender} could start or feed a loop. */
    boolean mayLoop(SocketAddress sender) {
        if (sender instanceof DomainSocketAddress domain) {
            return local instanceof DomainSocketAddress own && own.path().equals(domain.path());
        }
        if (!(sender instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        int port = inet.getPort();
        if (answersEverything(port)) {
            return true;
        }
        InetAddress address = inet.getAddress();
        if (address.isMulticastAddress() || address.isAnyLocalAddress() || broadcasts.contains(address)) {
            return true;
        }
        return local instanceof InetSocketAddress own && port == own.getPort() && isOwn(own.getAddress(), address);
    }

    private boolean isOwn(InetAddress bound, InetAddress source) {
        if (bound == null || bound.isAnyLocalAddress()) {
            return source.isLoopbackAddress() || localAddresses.contains(source);
        }
        return bound.equals(source);
    }

    /** The RFC services that answer whatever reaches them: echo, discard, daytime, qotd, chargen, time, and port 0. */
    static boolean answersEverything(int port) {
        return switch (port) {
            case 0, 7, 9, 13, 17, 19, 37 -> true;
            default -> false;
        };
    }
}
