package dev.socketkit.it;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A TCP or Unix stream client on the JDK's {@link SocketChannel}: it shares no code with the server, so it sees the
 * server from outside. Every call waits at most its patience for progress, then fails, so no test hangs on a socket.
 * One thread may write while another reads; otherwise one thread at a time.
 */
final class StreamClient implements StreamConnection {
    /** How long a read or write may wait for progress before the test fails. */
    static final Duration PATIENCE = Duration.ofSeconds(20);

    private final SocketChannel channel;
    private final Selector readable;
    private final Selector writable;
    private final long patienceMillis;

    private StreamClient(SocketChannel channel, Selector readable, Selector writable, Duration patience) {
        this.channel = channel;
        this.readable = readable;
        this.writable = writable;
        this.patienceMillis = patience.toMillis();
    }

    static StreamClient connect(Endpoint endpoint) throws IOException {
        return connect(endpoint, PATIENCE);
    }

    static StreamClient connect(Endpoint endpoint, Duration patience) throws IOException {
        return connect(endpoint, patience, 0);
    }

    /**
     * Connects with a receive buffer of {@code receiveBufferSize} bytes (0: the system's), set before connecting so
     * that TCP sizes its window by it instead of growing it.
     */
    static StreamClient connect(Endpoint endpoint, Duration patience, int receiveBufferSize) throws IOException {
        SocketChannel channel = endpoint.kind() == SocketKind.UNIX
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open(StandardProtocolFamily.INET);
        Selector readable = null;
        Selector writable = null;
        try {
            if (receiveBufferSize > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
            }
            channel.connect(address(endpoint));
            channel.configureBlocking(false);
            readable = Selector.open();
            writable = Selector.open();
            channel.register(readable, SelectionKey.OP_READ);
            channel.register(writable, SelectionKey.OP_WRITE);
            return new StreamClient(channel, readable, writable, patience);
        } catch (IOException | RuntimeException e) {
            closeQuietly(readable);
            closeQuietly(writable);
            channel.close();
            throw e;
        }
    }

    private static SocketAddress address(Endpoint endpoint) {
        return switch (endpoint.kind()) {
            case TCP -> endpoint.inetSocketAddress();
            case UNIX -> UnixDomainSocketAddress.of(endpoint.path());
            default -> throw new IllegalArgumentException(endpoint + " is not a stream endpoint");
        };
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                await(writable, "could be written", bytes.remaining() + " bytes left to write");
            }
        }
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        if (!into.hasRemaining()) {
            throw new IllegalArgumentException("no room to read into");
        }
        while (true) {
            int count = channel.read(into);
            if (count != 0) {
                return count;
            }
            await(readable, "arrived", "waiting for up to " + into.remaining() + " bytes");
        }
    }

    /** Sends a FIN: the server sees the end of its input, and can still write to us. */
    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /**
     * Closes abruptly, as a crashed or impatient peer does, dropping whatever is unsent or unread. On TCP, SO_LINGER 0
     * makes the close send a reset (RST) instead of a FIN. Unix stream sockets have no reset and Linux ignores their
     * SO_LINGER; the nearest is what a crash does, a close with no shutdown first: with the server's answer unread here,
     * the kernel makes the server's next read fail with ECONNRESET, and before that answer, its write fails (EPIPE).
     */
    @Override
    public void reset() throws IOException {
        if (channel.getRemoteAddress() instanceof InetSocketAddress) {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        close();
    }

    private void await(Selector selector, String what, String state) throws IOException {
        int ready = selector.select(patienceMillis);
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted: " + state);
        }
        if (ready == 0) {
            throw new SocketTimeoutException("nothing " + what + " for " + patienceMillis + " ms, " + state);
        }
        selector.selectedKeys().clear();
    }

    @Override
    public void close() throws IOException {
        closeQuietly(readable);
        closeQuietly(writable);
        channel.close();
    }

    private static void closeQuietly(Selector selector) {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // Nothing to do: the channel closes next.
            }
        }
    }
}
