package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_FAILURE;
import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_TIMEOUT;
import static dev.socketkit.cli.SocketKitProcess.START_TIMEOUT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.kqueue.KQueue;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code socketkit serve} on a Unix socket path: the file is removed on exit, reclaimed if stale, else left alone. */
@Timeout(60)
class UnixSocketFileIT {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private Path path;
    private SocketKitProcess socketkit;

    @BeforeEach
    void socketPath() {
        path = dir.resolve("s.sock");
        assumeTrue(
                path.toString().getBytes(US_ASCII).length <= 107,
                () -> "the temporary directory's path is too long for a Unix socket: " + path);
    }

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix", "unixgram"})
    void removesTheSocketFileWhenStoppedBySigterm(String scheme) throws Exception {
        assumeTrue(
                !scheme.equals("unixgram") || Epoll.isAvailable() || KQueue.isAvailable(),
                "unixgram sockets need epoll or kqueue, and neither is available here");
        String endpoint = scheme + "://" + path;
        socketkit = SocketKitProcess.start("serve", "echo", endpoint);
        assertEquals(endpoint, socketkit.awaitListening(START_TIMEOUT));
        assertTrue(isSocket(path), () -> "no socket file at " + path + " while serving");

        socketkit.sigterm();

        assertTrue(socketkit.waitFor(3, TimeUnit.SECONDS), () -> "no exit within 3 s of SIGTERM; " + socketkit);
        assertEquals(EXIT_OK, socketkit.exitValue(), () -> socketkit.toString());
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), () -> path + " is left behind");
    }

    /** A supervisor may signal the moment it reads the listening line; the server must already stop cleanly then. */
    @RepeatedTest(5)
    void stopsCleanlyWhenSignalledTheMomentItIsListening() throws Exception {
        socketkit = SocketKitProcess.start("serve", "echo", "unix://" + path);
        socketkit.awaitListening(START_TIMEOUT);
        socketkit.sigterm();

        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), () -> socketkit.toString());
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), () -> path + " is left behind");
    }

    @Test
    void reclaimsAStaleSocketFile() throws Exception {
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(isSocket(path), "closing a JDK server channel should leave its socket file behind");

        socketkit = SocketKitProcess.start("serve", "echo", "unix://" + path);
        assertEquals("unix://" + path, socketkit.awaitListening(START_TIMEOUT));

        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            client.write(ByteBuffer.wrap("stale".getBytes(US_ASCII)));
            assertEquals("stale", new String(readExactly(client, 5), US_ASCII));
        }
        socketkit.sigterm();
        assertEquals(EXIT_OK, socketkit.awaitExit(EXIT_TIMEOUT), () -> socketkit.toString());
    }

    @Test
    void leavesASocketALiveServerHoldsAlone() throws Exception {
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(path));

            socketkit = SocketKitProcess.start("serve", "echo", "unix://" + path);
            socketkit.assertRefused(EXIT_FAILURE, path.toString());

            assertTrue(isSocket(path), () -> path + " is gone or changed");
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel accepted = acceptWithin(live, IO_TIMEOUT)) {
                assertTrue(client.isConnected());
                assertNotNull(accepted, "the live server no longer accepts");
            }
        }
    }

    @Test
    void refusesToReplaceAFileThatIsNotASocket() throws Exception {
        String content = "not a socket\n";
        Files.writeString(path, content, US_ASCII);

        socketkit = SocketKitProcess.start("serve", "echo", "unix://" + path);
        socketkit.assertRefused(EXIT_FAILURE, path.toString(), "is not a socket");

        assertEquals(content, Files.readString(path, US_ASCII));
    }

    private static boolean isSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK;
    }

    private static SocketChannel acceptWithin(ServerSocketChannel server, Duration timeout)
            throws IOException, InterruptedException {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel accepted;
        while ((accepted = server.accept()) == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return accepted;
    }

    /** Reads exactly {@code length} bytes, failing on end of stream or after {@link #IO_TIMEOUT}. */
    private static byte[] readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + IO_TIMEOUT.toNanos();
            while (buffer.hasRemaining()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    fail("read " + buffer.position() + " of " + length + " bytes within " + IO_TIMEOUT);
                }
                selector.select(left);
                if (channel.read(buffer) < 0) {
                    fail("end of stream after " + buffer.position() + " of " + length + " bytes");
                }
            }
        }
        return buffer.array();
    }
}
