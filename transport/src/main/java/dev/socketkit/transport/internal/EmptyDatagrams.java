package dev.socketkit.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueDomainDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Sends datagrams of zero bytes, which Netty 4.2.18's epoll and kqueue datagram channels silently skip ({@code
 * doWriteMessage} returns early when there is no data), though an empty datagram is a datagram: echo must answer one.
 * On those transports this sends it through the channel's own socket, on its event loop, with the same system call
 * Netty would use. io_uring sends empty datagrams itself; Netty's NIO datagram channel skips them too, and, being
 * final and keeping its JDK channel to itself, offers no way around that (a known limit).
 */
public final class EmptyDatagrams {
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private EmptyDatagrams() {}

    /**
     * Whether {@code channel} would drop an empty datagram, so that its caller must {@link #send} it instead.
     *
     * @param channel a datagram channel
     * @return true for the epoll and kqueue datagram channels
     */
    public static boolean skippedBy(Channel channel) {
        return channel instanceof EpollDatagramChannel
                || channel instanceof EpollDomainDatagramChannel
                || channel instanceof KQueueDatagramChannel
                || channel instanceof KQueueDomainDatagramChannel;
    }

    /**
     * Sends an empty datagram to {@code recipient} through {@code channel}'s socket. Call it on the channel's event
     * loop, for a channel {@link #skippedBy} names.
     *
     * @param channel an epoll or kqueue datagram channel
     * @param recipient an IP or Unix socket address
     * @throws IOException what the system call reports
     */
    public static void send(Channel channel, SocketAddress recipient) throws IOException {
        Socket socket = (Socket) ((UnixChannel) channel).fd();
        if (recipient instanceof InetSocketAddress inet) {
            socket.sendTo(EMPTY, 0, 0, inet.getAddress(), inet.getPort());
        } else if (recipient instanceof DomainSocketAddress domain) {
            socket.sendToDomainSocket(EMPTY, 0, 0, domain.path().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IOException("cannot send a datagram to " + recipient);
        }
    }
}
