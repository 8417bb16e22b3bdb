package dev.socketkit.it;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSession;

/**
 * A test's stream connection to a server, plain ({@link StreamClient}) or TLS ({@link TlsStreamClient}), so that one
 * test body drives both. Every call waits at most the connection's patience for progress, then fails. One thread may
 * write while another reads; otherwise one thread at a time.
 */
interface StreamConnection extends AutoCloseable {
    /** Writes all of {@code bytes}, waiting while the socket's send buffer is full. */
    void write(ByteBuffer bytes) throws IOException;

    /** Reads at least one byte into {@code into}, or returns -1 at the end of the stream. */
    int read(ByteBuffer into) throws IOException;

    /**
     * Ends what we send and keeps the connection open for reading: a FIN on a plain connection, a {@code close_notify}
     * over TLS.
     */
    void shutdownOutput() throws IOException;

    @Override
    void close() throws IOException;

    /**
     * Closes abruptly, as a crashed or impatient peer does, dropping whatever is unsent or unread: a reset on TCP (see
     * {@link StreamClient#reset()} for Unix sockets); over TLS with no {@code close_notify} first.
     */
    void reset() throws IOException;

    /** {@return the TLS session of a TLS connection, once its handshake is done; empty for a plain one} */
    default Optional<SSLSession> tlsSession() {
        return Optional.empty();
    }

    /**
     * What an echo's client does without stalling on full buffers: writes {@code sent} from another thread (then, with
     * {@code thenEnd}, our end) while this one reads the answer: {@code sent.length} bytes, or with {@code thenEnd}
     * everything up to the end of the stream.
     *
     * @param wait how long the writer may take once the answer is read
     */
    default byte[] echo(byte[] sent, boolean thenEnd, Duration wait) throws Exception {
        try (Workers workers = new Workers(1)) {
            Future<Void> writing = workers.submit(() -> {
                write(sent);
                if (thenEnd) {
                    shutdownOutput();
                }
                return null;
            });
            byte[] received = thenEnd ? readToEnd(sent.length) : readExactly(sent.length);
            Workers.result(writing, wait);
            return received;
        }
    }

    /** Writes all of {@code bytes}. */
    default void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    /** Reads one byte (0 to 255), or returns -1 at the end of the stream, as {@code InputStream.read()} does. */
    default int read() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return read(one) < 0 ? -1 : one.get(0) & 0xff;
    }

    /** Reads exactly {@code length} bytes; fails if the stream ends first, showing what did arrive. */
    default byte[] readExactly(int length) throws IOException {
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
    default byte[] readToEnd(int limit) throws IOException {
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
    default byte[] readUntilClosed(int limit) throws IOException {
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
}
