package dev.socketkit.transport.internal;

import dev.socketkit.transport.SocketKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The largest datagrams a socket can receive, so that servers can size their reads to take any datagram whole.
 *
 * <p>Netty reads datagrams into 2,048-byte buffers by default and silently truncates anything larger; socketkit sizes
 * every datagram read to the largest payload the protocol allows instead.
 */
public final class DatagramLimits {
    /** The largest UDP payload over IPv4: 65,535 less the 20-byte IP and 8-byte UDP headers. */
    public static final int MAX_UDP_PAYLOAD = 65_507;

    private static final int FALLBACK_UNIX_DATAGRAM = 212_992;

    private DatagramLimits() {}

    /**
     * A read size that takes any Unix-domain datagram a local sender can send: on Linux a datagram must fit the
     * sender's send buffer (less 32 bytes), and an unprivileged sender can raise that buffer to twice {@code
     * net.core.wmem_max}, which this returns.
     *
     * @return twice {@code net.core.wmem_max}, at most 16 MiB; 212,992 where {@code /proc} cannot tell
     */
    public static int maxUnixDatagram() {
        // One buffered read from the start: a sysctl file reports size 0 and answers a read past its start with EOF, so
        // Files.readString, which reads one byte and then the rest, would see only the first digit.
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/core/wmem_max"))) {
            String text = reader.readLine();
            if (text == null) {
                return FALLBACK_UNIX_DATAGRAM;
            }
            long doubled = 2L * Long.parseLong(text.strip());
            return (int) Math.min(doubled, 16L << 20);
        } catch (IOException | NumberFormatException | SecurityException notLinux) {
            return FALLBACK_UNIX_DATAGRAM;
        }
    }

    /**
     * {@return the largest UDP payload that can be sent to {@code address}} IPv4's header takes 20 bytes of the 65,535
     * that IPv6's does not: 65,507 to an IPv4 address, 65,527 to an IPv6 one.
     *
     * @param address the recipient
     */
    public static int maxUdpPayload(InetAddress address) {
        return address instanceof Inet4Address ? MAX_UDP_PAYLOAD : maxDatagram(SocketKind.UDP);
    }

    /**
     * {@return the largest datagram a socket of {@code kind} can receive}
     *
     * @param kind {@link SocketKind#UDP} or {@link SocketKind#UNIXGRAM}
     * @throws IllegalArgumentException for a stream kind
     */
    public static int maxDatagram(SocketKind kind) {
        return switch (kind) {
            case UDP -> 65_535 - 8; // IPv6 has no IP header inside the 65,535; 65,527 covers both families.
            case UNIXGRAM -> maxUnixDatagram();
            default -> throw new IllegalArgumentException(kind.scheme() + " is not a datagram socket");
        };
    }
}
