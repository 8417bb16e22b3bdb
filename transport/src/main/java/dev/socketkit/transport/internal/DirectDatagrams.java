package dev.socketkit.transport.internal;

import io.netty.buffer.ByteBuf;
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
 * Sends datagrams through a native channel's own socket, on its event loop, with the system calls Netty would use,
 * where Netty 4.2.18's own write path does the wrong thing for a server:
 *
 * <ul>
 *   <li>A datagram of zero bytes: the epoll and kqueue datagram channels skip it ({@code doWriteMessage} returns early
 *       when there is no data), though an empty datagram is a datagram, and echo must answer one.
 *   <li>A Unix datagram to a peer whose receive queue is full: the kernel refuses it (EAGAIN), and Netty keeps it at
 *       the head of the socket's queue until the peer reads, so a peer that never reads holds every answer to every
 *       other peer behind its own. Sent here, it goes at once or is refused at once, for the caller to drop.
 * </ul>
 * io_uring sends empty datagrams itself; Netty's NIO datagram channel skips them too, and, being
 * final and keeping its JDK channel to itself, offers no way around that (a known limit).
 */
public final class DirectDatagrams {
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private DirectDatagrams() {}

    /**
     * Whether {@code channel} holds a Unix datagram that would block at the head of its queue, so that a server must
     * {@link #sendUnix} its answers instead.
     *
     * @param channel a datagram channel
     * @return true for the epoll and kqueue Unix datagram channels
     */
    public static boolean queuesBlockedUnixDatagrams(Channel channel) {
        return channel instanceof EpollDomainDatagramChannel || channel instanceof KQueueDomainDatagramChannel;
    }

    /**
     * Sends {@code data} to {@code recipient} at once through {@code channel}'s socket, or not at all. Call it on the
     * channel's event loop, for a channel {@link #queuesBlockedUnixDatagrams} names.
     *
     * @param channel an epoll or kqueue Unix datagram channel
     * @param recipient the peer's socket path
     * @param data the datagram, left as it is
     * @return whether the kernel took the datagram; false if the peer's queue is full
     * @throws IOException any other failure the system call reports
     */
    public static boolean sendUnix(Channel channel, DomainSocketAddress recipient, ByteBuf data) throws IOException {
        Socket socket = (Socket) ((UnixChannel) channel).fd();
        byte[] path = recipient.path().getBytes(StandardCharsets.UTF_8);
        int length = data.readableBytes();
        if (length == 0) {
            return socket.sendToDomainSocket(EMPTY, 0, 0, path) >= 0;
        }
        int sent;
        if (data.hasMemoryAddress()) {
            sent = socket.sendToAddressDomainSocket(data.memoryAddress(), data.readerIndex(), data.writerIndex(), path);
        } else if (data.isDirect() && data.nioBufferCount() == 1) {
            ByteBuffer nio = data.internalNioBuffer(data.readerIndex(), length);
            sent = socket.sendToDomainSocket(nio, nio.position(), nio.limit(), path);
        } else {
            // The system call needs one direct region: a heap or composite answer is copied once.
            ByteBuffer copy = ByteBuffer.allocateDirect(length);
            data.getBytes(data.readerIndex(), copy);
            copy.flip();
            sent = socket.sendToDomainSocket(copy, 0, length, path);
        }
        return sent > 0; // 0 is EAGAIN: a datagram goes whole or not at all
    }

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
