package dev.socketkit.server;

import dev.socketkit.codec.ProxyProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** How log lines name a peer and show a message. */
final class Peers {
    private static final int PREVIEW_BYTES = 64;

    private Peers() {}

    /**
     * {@code /127.0.0.1:50312} for IP peers; a Unix client is usually unnamed, so its channel id stands in. The client
     * its PROXY header named, when it began with one ({@link ProxyProtocol#clientAddress}).
     */
    static String describe(Channel channel) {
        SocketAddress remote = ProxyProtocol.clientAddress(channel);
        if (remote instanceof InetSocketAddress) {
            return remote.toString();
        }
        return describe(remote, channel);
    }

    static String describe(SocketAddress address, Channel channel) {
        String path = unixPath(address);
        if (path != null && !path.isEmpty()) {
            return "unix:" + path;
        }
        if (address instanceof InetSocketAddress) {
            return address.toString();
        }
        return "unix peer #" + channel.id().asShortText();
    }

    /** The path of a Unix socket address of either kind, or null for other addresses. */
    static String unixPath(SocketAddress address) {
        if (address instanceof DomainSocketAddress domain) {
            return domain.path();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        return null;
    }

    /**
     * {@code text} with every character outside printable ASCII escaped ({@code \xHH}, {@code \x{HHHH}}): for a log line
     * that quotes what a peer sent, which must not be able to start a line of its own.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else if (c < 0x100) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(String.format("\\x{%04x}", (int) c));
            }
        }
        return out.toString();
    }

    /** The first bytes of {@code data} as text, with unprintable bytes escaped, for DEBUG lines. */
    static String preview(ByteBuf data) {
        int length = Math.min(data.readableBytes(), PREVIEW_BYTES);
        StringBuilder text = new StringBuilder(length + 8).append('"');
        for (int i = 0; i < length; i++) {
            int b = data.getUnsignedByte(data.readerIndex() + i);
            switch (b) {
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '"', '\\' -> text.append('\\').append((char) b);
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        text.append((char) b);
                    } else {
                        text.append(String.format("\\x%02x", b));
                    }
                }
            }
        }
        text.append('"');
        if (data.readableBytes() > length) {
            text.append("...");
        }
        return text.toString();
    }
}
