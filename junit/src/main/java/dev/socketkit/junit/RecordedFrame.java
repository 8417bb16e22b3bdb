package dev.socketkit.junit;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One frame a {@link RecordingServer} received: as the server's framing cut it (a line keeps its terminator, a length
 * frame loses its prefix), or one whole datagram.
 *
 * @param connection which connection it came on, numbered from 1 in the order the server accepted them; 0 for a
 *     datagram, which has no connection
 * @param peer who sent it: the connection's remote address, or the datagram's sender, as the transport reports it (for
 *     Unix sockets, Netty's {@code DomainSocketAddress}, or the JDK's {@code UnixDomainSocketAddress} under NIO, whose
 *     path is often empty for a stream client); on a server that takes the PROXY protocol, the client its header named
 * @param data the frame's bytes (a copy on the way in and on the way out, so a test cannot change what was recorded)
 */
public record RecordedFrame(int connection, SocketAddress peer, byte[] data) {
    /**
     * Copies {@code data}.
     *
     * @param connection which connection it came on, numbered from 1; 0 for a datagram
     * @param peer who sent it
     * @param data the frame's bytes; copied
     */
    public RecordedFrame {
        Objects.requireNonNull(data, "data");
        data = data.clone();
    }

    /** {@return a copy of the frame's bytes} */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** {@return the frame's bytes decoded as UTF-8 (malformed sequences become U+FFFD)} */
    public String utf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** {@return whether this frame came as a datagram rather than on a connection} */
    public boolean isDatagram() {
        return connection == 0;
    }

    /** Equal when connection, peer and bytes are equal (the bytes by content). */
    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedFrame that
                && connection == that.connection
                && Objects.equals(peer, that.peer)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connection, peer, Arrays.hashCode(data));
    }

    /** The connection, the peer and the bytes: as text when they are printable UTF-8, else in hex. */
    @Override
    public String toString() {
        String where = connection == 0 ? "datagram" : "connection " + connection;
        return "frame on " + where + " from " + peer + ": " + describe(data);
    }

    private static String describe(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        boolean printable = Arrays.equals(text.getBytes(StandardCharsets.UTF_8), data)
                && text.codePoints().allMatch(c -> (c >= 0x20 && c != 0x7f) || c == '\n' || c == '\r' || c == '\t');
        if (printable) {
            return '"'
                    + text.replace("\\", "\\\\")
                            .replace("\n", "\\n")
                            .replace("\r", "\\r")
                            .replace("\t", "\\t")
                    + '"';
        }
        return "0x" + HexFormat.of().formatHex(data);
    }
}
