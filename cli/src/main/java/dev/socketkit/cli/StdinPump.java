package dev.socketkit.cli;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientException;
import dev.socketkit.client.ClientException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends stdin to the server as it is read, on a thread of its own, so that replies are printed while stdin is still
 * open: byte-exact on stream sockets, one datagram per line on datagram sockets. Nothing is held back waiting for
 * more input, and nothing is changed: a stream's bytes go out past the framing's encoder, and a line or frame over
 * the limit stops the pump with an error instead of being split.
 */
final class StdinPump {
    private static final int CHUNK = 64 * 1024;

    private final Client client;
    private final InputStream in;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicInteger datagrams = new AtomicInteger();
    private volatile long lastSent = System.nanoTime();

    private StdinPump(Client client, InputStream in) {
        this.client = client;
        this.in = in;
    }

    /**
     * Streams {@code in} to a stream socket: as read when {@code frames} is null, else a whole frame at a time.
     *
     * @param frames {@code in} cut by the framing's terminator (line or delimiter framing), or null for raw, length and
     *     fixed framing, whose input is sent as it comes
     * @param halfClose whether to shut down the write side at the end of {@code in}
     */
    static StdinPump stream(Client client, InputStream in, TerminatedFrames frames, boolean halfClose) {
        StdinPump pump = new StdinPump(client, in);
        pump.start(() -> {
            if (frames == null) {
                pump.copyChunks();
            } else {
                pump.copyFrames(frames);
            }
            if (halfClose) {
                client.shutdownOutput();
            }
        });
        return pump;
    }

    /** Sends each line of {@code in}, without its {@code \n} or {@code \r\n}, as one datagram. */
    static StdinPump datagrams(Client client, InputStream in, int maxDatagram) {
        StdinPump pump = new StdinPump(client, in);
        pump.start(() -> {
            TerminatedFrames lines = TerminatedFrames.lines(in, maxDatagram);
            try {
                for (byte[] line = lines.next(); line != null; line = lines.next()) {
                    pump.datagrams.incrementAndGet();
                    client.send(withoutTerminator(line));
                    pump.lastSent = System.nanoTime();
                }
            } catch (TerminatedFrames.TooLong e) {
                throw notSent(e, "the largest datagram");
            }
        });
        return pump;
    }

    /** {@return a future that completes at the end of stdin, once everything is sent, or fails with the reason} */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** {@return how many datagrams were sent so far (each counted as it starts out)} */
    int datagramsSent() {
        return datagrams.get();
    }

    /** {@return the {@link System#nanoTime()} of the last send, or of the start} */
    long lastSent() {
        return lastSent;
    }

    private void copyChunks() throws IOException {
        byte[] chunk = new byte[CHUNK];
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            if (n > 0) {
                send(Arrays.copyOf(chunk, n));
            }
        }
    }

    private void copyFrames(TerminatedFrames frames) throws IOException {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        try {
            for (byte[] frame = frames.next(); frame != null; frame = frames.next()) {
                // Every whole frame read already goes out in the same write: one write per line would be slow.
                batch.writeBytes(frame);
                while (batch.size() < CHUNK && (frame = frames.nextIfRead()) != null) {
                    batch.writeBytes(frame);
                }
                send(batch.toByteArray());
                batch.reset();
            }
        } catch (TerminatedFrames.TooLong e) {
            if (batch.size() > 0) {
                send(batch.toByteArray()); // the frames before the long one are good: they go out first
            }
            throw notSent(e, "--max-frame-length");
        }
    }

    private static ClientException notSent(TerminatedFrames.TooLong e, String limit) {
        return new ClientException(Reason.IO, "stdin " + e.getMessage() + " (" + limit + "); it was not sent", e);
    }

    private void send(byte[] bytes) {
        client.sendUnframed(bytes);
        lastSent = System.nanoTime();
    }

    static byte[] withoutTerminator(byte[] line) {
        int length = line.length;
        if (length > 0 && line[length - 1] == '\n') {
            length--;
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
        }
        return Arrays.copyOf(line, length);
    }

    private void start(Body body) {
        Thread thread = new Thread(
                () -> {
                    try (in) {
                        body.run();
                        finished.complete(null);
                    } catch (ClientException e) {
                        finished.completeExceptionally(e);
                    } catch (IOException e) {
                        finished.completeExceptionally(
                                new ClientException(Reason.IO, "cannot read stdin: " + e.getMessage(), e));
                    } catch (RuntimeException e) {
                        finished.completeExceptionally(e);
                    }
                },
                "socketkit-stdin");
        // Daemon: a server that closes first ends the command while this thread may still block reading stdin.
        thread.setDaemon(true);
        thread.start();
    }

    private interface Body {
        void run() throws IOException;
    }
}
