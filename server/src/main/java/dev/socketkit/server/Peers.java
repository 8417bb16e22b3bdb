package dev.socketkit.server;

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

    /** {@code /127.0.0.1:50312} for IP peers; a Unix client is usually unnamed, so its channel id stands in. */
    static String describe(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
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
