package dev.socketkit.it;

import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;

/**
 * A UDP client on the JDK's {@link DatagramChannel}, bound to loopback and connected to the server, so that it hears
 * only the server. Every receive waits at most its patience. One thread at a time.
 */
final class UdpClient implements AutoCloseable {
    /** One byte more than any UDP payload, so that a datagram too long shows as too long instead of cut. */
    private static final int RECEIVE_BUFFER = 65_536;

    private final DatagramChannel channel;
    private final Selector readable;
    private final Selector writable;

    private UdpClient(DatagramChannel channel, Selector readable, Selector writable) {
        this.channel = channel;
        this.readable = readable;
        this.writable = writable;
    }

    static UdpClient connect(Endpoint server) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.connect(server.inetSocketAddress());
            channel.configureBlocking(false);
            Selector readable = Selector.open();
            channel.register(readable, SelectionKey.OP_READ);
            Selector writable = Selector.open();
            channel.register(writable, SelectionKey.OP_WRITE);
            return new UdpClient(channel, readable, writable);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends {@code bytes} as one datagram. */
    void send(byte[] bytes) throws IOException {
        ByteBuffer datagram = ByteBuffer.wrap(bytes);
        while (channel.write(datagram) == 0) {
            await(writable, StreamClient.PATIENCE, "room to send a " + bytes.length + "-byte datagram");
        }
        if (datagram.hasRemaining()) {
            throw new IOException("sent " + datagram.position() + " of " + bytes.length + " bytes");
        }
    }

    /** The next datagram from the server; fails if none comes within the patience. */
    byte[] receive() throws IOException {
        return receive(StreamClient.PATIENCE);
    }

    /** The next datagram from the server, or null if none comes within {@code wait}. */
    byte[] receiveWithin(Duration wait) throws IOException {
        try {
            return receive(wait);
        } catch (SocketTimeoutException none) {
            return null;
        }
    }

    private byte[] receive(Duration wait) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(RECEIVE_BUFFER);
        while (channel.read(into) == 0) {
            await(readable, wait, "a datagram");
        }
        return Arrays.copyOf(into.array(), into.position());
    }

    private static void await(Selector selector, Duration wait, String what) throws IOException {
        int ready = selector.select(wait.toMillis());
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted waiting for " + what);
        }
        if (ready == 0) {
            throw new SocketTimeoutException("no " + what + " within " + wait.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
        readable.close();
        writable.close();
        channel.close();
    }
}
