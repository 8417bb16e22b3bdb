package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends without reading must stall: the echo server stops reading while its answers to that client
 * cannot be sent, instead of buffering without bound. Once the client reads, everything comes back intact. Over TCP and
 * Unix stream sockets, plain and TLS.
 */
@Timeout(60)
class BackpressureIT {
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 1024;
    private static final long TOTAL = (long) CHUNK * CHUNKS;
    private static final long SEED = 0x5eed_0008L;

    /** The writer reports progress every this many bytes. */
    private static final int SLICE = 4096;

    /** The writer counts as stalled when it has made no progress for this long. */
    private static final Duration STALL = Duration.ofSeconds(1);

    /** How long to wait for the stall before deciding that the server never pushes back. */
    private static final Duration STALL_WAIT = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    @TransportKindAndSecurityTest
    void stallsAWriterThatDoesNotReadAndThenEchoesAllOfIt(Transport transport, SocketKind kind, Security security)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        ServerConfig config = security.applyTo(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoints.of(kind, directory)));
        try (Server server = Transports.start(transport, config);
                StreamConnection client = security.connect(server.endpoint(), Duration.ofSeconds(40));
                Workers workers = new Workers(1)) {
            AtomicLong written = new AtomicLong();
            Future<Long> writing = workers.submit(() -> writeSeededBytes(client, written));

            long stalledAt = awaitStall(written);
            assertTrue(stalledAt >= 0, "the writer never stalled within " + STALL_WAIT.toSeconds() + " s");
            assertFalse(
                    writing.isDone(),
                    "the writer finished all " + TOTAL + " bytes without anyone reading the echo: no backpressure");
            assertTrue(
                    stalledAt < TOTAL,
                    "the server took all " + TOTAL + " bytes without anyone reading the echo: no backpressure");

            CRC32 received = new CRC32();
            long count = 0;
            ByteBuffer into = ByteBuffer.allocate(CHUNK);
            while (count < TOTAL) {
                into.clear();
                if (client.read(into) < 0) {
                    break;
                }
                received.update(into.flip());
                count += into.limit();
            }
            long sentChecksum = Workers.result(writing, Duration.ofSeconds(20));
            assertEquals(TOTAL, count, "bytes echoed (the writer had stalled at " + stalledAt + ")");
            assertEquals(sentChecksum, received.getValue(), "CRC32 of the echo against CRC32 of what was sent");

            client.shutdownOutput();
            assertEquals(-1, client.read(), "nothing more before the end of the stream");
        }
    }

    /** Writes {@link #TOTAL} bytes from a seeded random source, counting progress; returns their CRC32. */
    private static long writeSeededBytes(StreamConnection client, AtomicLong written) throws Exception {
        Random random = new Random(SEED);
        CRC32 checksum = new CRC32();
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < CHUNKS; i++) {
            random.nextBytes(chunk);
            checksum.update(chunk);
            for (int offset = 0; offset < CHUNK; offset += SLICE) {
                client.write(ByteBuffer.wrap(chunk, offset, SLICE));
                written.addAndGet(SLICE);
            }
        }
        return checksum.getValue();
    }

    /** Waits until the writer makes no progress for {@link #STALL}; returns how far it got, or -1 if it did not. */
    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + STALL_WAIT.toNanos();
        long last = written.get();
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            // Not a wait for a condition Poll could see sooner: a stall is the absence of progress for STALL, so it
            // can only be seen by sampling the writer's progress over time.
            Thread.sleep(100);
            long now = written.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= STALL.toNanos()) {
                return now;
            }
        }
        return -1;
    }
}
