package dev.socketkit.cli;

import dev.socketkit.transport.internal.HalfClose;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code serve print --reply-stdin}: sends the process's stdin to the first client, as {@code nc -l} does, on a thread
 * of its own, which starts reading stdin only once there is a client. Stream sockets: stdin's bytes as they are read,
 * whatever the framing (no frame encoder is applied), and stdin's end half-closes the connection (after TLS's
 * close_notify). Datagram sockets: each stdin line, without its line end, as one datagram to the first sender, as {@code
 * send} sends them. Backpressure: while the socket cannot take more, stdin is not read.
 */
final class ReplyStdin {
    private static final Logger LOG = LogManager.getLogger(ReplyStdin.class);
    private static final int CHUNK = 16 * 1024;

    private final InputStream in;
    private final int largestDatagram;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();

    /** @param largestDatagram the longest stdin line that fits one datagram on this socket */
    ReplyStdin(InputStream in, int largestDatagram) {
        this.in = in;
        this.largestDatagram = largestDatagram;
    }

    /**
     * Starts sending stdin to {@code connection}; at stdin's end, once its write side is shut down, {@code ended} runs
     * on the connection's event loop. If the connection closes first, the rest of stdin is not read.
     */
    void toConnection(Channel connection, Runnable ended) {
        start(() -> {
            ChannelHandlerContext encoder = connection.pipeline().context("frameEncoder");
            byte[] chunk = new byte[CHUNK];
            for (int n; (n = in.read(chunk)) >= 0 && connection.isActive(); ) {
                if (n == 0) {
                    continue;
                }
                // Past the frame encoder: what stdin holds goes out as it is.
                Object data = Unpooled.copiedBuffer(chunk, 0, n);
                if (encoder != null) {
                    encoder.writeAndFlush(data, encoder.voidPromise());
                } else {
                    connection.writeAndFlush(data, connection.voidPromise());
                }
                awaitWritable(connection);
            }
            if (connection.isActive()) {
                connection.eventLoop().execute(() -> halfClose(connection, ended));
            }
        });
    }

    /** Starts sending each stdin line as one datagram from {@code socket} to {@code recipient}. */
    void toSender(Channel socket, SocketAddress recipient) {
        start(() -> {
            TerminatedFrames lines = TerminatedFrames.lines(in, largestDatagram);
            try {
                for (byte[] line = lines.next(); line != null && socket.isActive(); line = lines.next()) {
                    byte[] payload = StdinPump.withoutTerminator(line);
                    Object datagram = recipient instanceof DomainSocketAddress unix
                            ? new DomainDatagramPacket(Unpooled.wrappedBuffer(payload), unix)
                            : new DatagramPacket(Unpooled.wrappedBuffer(payload), (InetSocketAddress) recipient);
                    socket.writeAndFlush(datagram, socket.voidPromise());
                    awaitWritable(socket);
                }
            } catch (TerminatedFrames.TooLong e) {
                LOG.error("{}; it was not sent, nor the rest of stdin", e.getMessage());
            }
        });
    }

    /** Called on an event loop when a socket stdin writes to may have become writable again. */
    void writabilityChanged() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitWritable(Channel channel) throws IOException {
        lock.lock();
        try {
            while (!channel.isWritable() && channel.isActive()) {
                writable.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to send stdin", e);
        } finally {
            lock.unlock();
        }
    }

    private static void halfClose(Channel connection, Runnable ended) {
        HalfClose.shutdownOutput(connection).addListener(done -> ended.run());
    }

    private void start(Body body) {
        Thread pump = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (IOException e) {
                        LOG.error("cannot read stdin: {}", e.getMessage());
                    }
                },
                "socketkit-stdin");
        pump.setDaemon(true); // a stdin that never ends must not keep the process from stopping
        pump.start();
    }

    /** What the pump thread does. */
    private interface Body {
        void run() throws IOException;
    }
}
