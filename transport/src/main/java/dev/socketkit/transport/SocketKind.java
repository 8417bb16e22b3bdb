package dev.socketkit.transport;

import java.util.Locale;

/** The four kinds of socket socketkit serves and connects to, named by their URI scheme. */
public enum SocketKind {
    /** A TCP stream socket ({@code tcp://HOST:PORT}). */
    TCP("tcp", false, false),
    /** A UDP datagram socket ({@code udp://HOST:PORT}). */
    UDP("udp", true, false),
    /** A Unix-domain stream socket ({@code unix:///path}). */
    UNIX("unix", false, true),
    /** A Unix-domain datagram socket ({@code unixgram:///path}). */
    UNIXGRAM("unixgram", true, true);

    private final String scheme;
    private final boolean datagram;
    private final boolean unix;

    SocketKind(String scheme, boolean datagram, boolean unix) {
        this.scheme = scheme;
        this.datagram = datagram;
        this.unix = unix;
    }

    /** {@return the URI scheme, such as {@code tcp} or {@code unixgram}} */
    public String scheme() {
        return scheme;
    }

    /** {@return whether sockets of this kind carry datagrams (message boundaries kept, no connection)} */
    public boolean isDatagram() {
        return datagram;
    }

    /** {@return whether sockets of this kind carry a byte stream over a connection} */
    public boolean isStream() {
        return !datagram;
    }

    /** {@return whether sockets of this kind are addressed by a filesystem path rather than a host and port} */
    public boolean isUnix() {
        return unix;
    }

    static SocketKind forScheme(String scheme) {
        String lower = scheme.toLowerCase(Locale.ROOT);
        for (SocketKind kind : values()) {
            if (kind.scheme.equals(lower)) {
                return kind;
            }
        }
        return null;
    }
}
