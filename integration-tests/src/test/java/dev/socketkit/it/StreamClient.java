package dev.socketkit.it;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.io.EOFException;
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
import java.util.Arrays;

/**
 * A TCP or Unix stream client on the JDK's {@link SocketChannel}: it shares no code with the server, so it sees the
 * server from outside. Every call waits at most its patience for progress, then fails, so no test hangs on a socket.
 * One thread may write while another reads; otherwise one thread at a time.
 */
final class StreamClient implements AutoCloseable {
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

    /** Writes all of {@code bytes}, waiting while the socket's send buffer is full. */
    void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                await(writable, "could be written", bytes.remaining() + " bytes left to write");
            }
        }
    }

    /** Reads at least one byte into {@code into}, or returns -1 at the end of the stream. */
    int read(ByteBuffer into) throws IOException {
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

    /** Reads one byte (0 to 255), or returns -1 at the end of the stream, as {@code InputStream.read()} does. */
    int read() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return read(one) < 0 ? -1 : one.get(0) & 0xff;
    }

    /** Reads exactly {@code length} bytes; fails if the stream ends first, showing what did arrive. */
    byte[] readExactly(int length) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(length);
        while (into.hasRemaining()) {
            if (read(into) < 0) {
                throw new EOFException("the stream ended after " + into.position() + " of " + length + " bytes: "
                        + Text.preview(Arrays.copyOf(into.array(), into.position())));
            }
        }
        return into.array();
    }

    /** Reads until the end of the stream; fails if more than {@code limit} bytes come. */
    byte[] readToEnd(int limit) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(limit + 1);
        while (into.hasRemaining()) {
            if (read(into) < 0) {
                return Arrays.copyOf(into.array(), into.position());
            }
        }
        throw new IOException(
                "more than " + limit + " bytes before the end of the stream: " + Text.preview(into.array()));
    }

    /**
     * Reads until the server ends the connection, with a FIN or a reset; returns the bytes that came first. Fails if
     * more than {@code limit} bytes come.
     */
    byte[] readUntilClosed(int limit) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(limit + 1);
        while (into.hasRemaining()) {
            int count;
            try {
                count = read(into);
            } catch (InterruptedIOException notClosed) {
                throw notClosed;
            } catch (IOException reset) {
                count = -1;
            }
            if (count < 0) {
                return Arrays.copyOf(into.array(), into.position());
            }
        }
        throw new IOException("more than " + limit + " bytes and the connection still open");
    }

    /** Sends a FIN: the server sees the end of its input, and can still write to us. */
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /**
     * Closes abruptly, as a crashed or impatient peer does, dropping whatever is unsent or unread. On TCP, SO_LINGER 0
     * makes the close send a reset (RST) instead of a FIN. Unix stream sockets have no reset and Linux ignores their
     * SO_LINGER; the nearest is what a crash does, a close with no shutdown first: with the server's answer unread here,
     * the kernel makes the server's next read fail with ECONNRESET, and before that answer, its write fails (EPIPE).
     */
    void reset() throws IOException {
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
