package dev.socketkit.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.kqueue.KQueueDatagramChannel;
import io.netty.channel.kqueue.KQueueDomainDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;
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
 * io_uring sends empty datagrams itself. Netty's NIO datagram channel skips them too, and keeps its JDK channel to
 * itself; a server's NIO channel is therefore made by {@link #newNioChannel}, around a JDK channel opened here and
 * kept beside it, through which {@link #send} sends its empty answers.
 */
public final class DirectDatagrams {
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);
    private static final AttributeKey<DatagramChannel> JDK_CHANNEL =
            AttributeKey.valueOf(DirectDatagrams.class, "jdkChannel");

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
            // 0 is both "sent" and EAGAIN here: an empty datagram to a full peer counts as sent, and is lost.
            socket.sendToDomainSocket(EMPTY, 0, 0, path);
            return true;
        }
        if (data.hasMemoryAddress()) {
            return socket.sendToAddressDomainSocket(data.memoryAddress(), data.readerIndex(), data.writerIndex(), path)
                    > 0; // 0 is EAGAIN: a datagram goes whole or not at all
        }
        // The system call needs one region of native memory: a heap answer (reply's text) is copied into a pooled one.
        ByteBuf direct = channel.alloc().directBuffer(length).writeBytes(data, data.readerIndex(), length);
        try {
            return sendUnix(channel, recipient, direct);
        } finally {
            direct.release();
        }
    }

    /**
     * Whether {@code channel} would drop an empty UDP datagram, so that its caller must {@link #send} it instead (Unix
     * datagram answers go through {@link #sendUnix}, empty ones included).
     *
     * @param channel a datagram channel
     * @return true for the epoll and kqueue UDP channels, and NIO's made by {@link #newNioChannel}
     */
    public static boolean skippedBy(Channel channel) {
        return channel instanceof EpollDatagramChannel
                || channel instanceof KQueueDatagramChannel
                || channel.hasAttr(JDK_CHANNEL);
    }

    /**
     * A NIO UDP channel as Netty's default constructor makes it (one dual-stack JDK channel from the default
     * provider), whose JDK channel {@link #send} can reach: a channel factory for a server's bootstrap.
     *
     * @return the new, unregistered channel
     * @throws UncheckedIOException if the JDK cannot open a datagram channel, as Netty's own constructor would throw
     */
    public static NioDatagramChannel newNioChannel() {
        DatagramChannel jdk;
        try {
            jdk = SelectorProvider.provider().openDatagramChannel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a datagram channel", e);
        }
        NioDatagramChannel channel = new NioDatagramChannel(jdk);
        channel.attr(JDK_CHANNEL).set(jdk);
        return channel;
    }

    /**
     * Sends an empty datagram to {@code recipient} through {@code channel}'s socket. Call it on the channel's event
     * loop, for a channel {@link #skippedBy} names.
     *
     * @param channel an epoll or kqueue UDP channel, or NIO's made by {@link #newNioChannel}
     * @param recipient the peer's IP address and port
     * @throws IOException what the system call reports
     */
    public static void send(Channel channel, InetSocketAddress recipient) throws IOException {
        DatagramChannel jdk = channel.attr(JDK_CHANNEL).get();
        if (jdk != null) {
            // Non-blocking: 0 means sent or, with the socket buffer full, dropped, as a full buffer drops any answer.
            jdk.send(EMPTY.duplicate(), recipient);
            return;
        }
        ((Socket) ((UnixChannel) channel).fd()).sendTo(EMPTY, 0, 0, recipient.getAddress(), recipient.getPort());
    }
}
