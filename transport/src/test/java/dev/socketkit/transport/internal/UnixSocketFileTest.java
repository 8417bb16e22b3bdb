package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Making a Unix socket path safe to bind, checking its length, and removing only the file that was bound. */
class UnixSocketFileTest {
    @TempDir
    Path dir;

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    private static ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    /** Leaves a socket file nobody is bound to, as a crashed server would: the JDK does not unlink on close. */
    private static void leaveStaleSocket(Path path) throws IOException {
        listen(path).close();
    }

    /** A Unix datagram socket bound at {@code path} by Netty's epoll transport, as a live server holds it. */
    private static Channel bindUnixgram(EventLoopGroup group, Path path) throws InterruptedException {
        return new Bootstrap()
                .group(group)
                .channel(Transport.EPOLL.channelClass(SocketKind.UNIXGRAM))
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new DomainSocketAddress(path.toString()))
                .sync()
                .channel();
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
    }

    @Test
    void acceptsAPathWithNothingThereAndCreatesNothing() throws IOException {
        Path path = dir.resolve("new.sock");
        UnixSocketFile.prepareForBind(path);
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void refusesAPathInAMissingDirectoryNamingTheDirectory() {
        Path missing = dir.resolve("missing");
        NoSuchFileException e =
                assertThrows(NoSuchFileException.class, () -> UnixSocketFile.prepareForBind(missing.resolve("a.sock")));
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void refusesARegularFileAndLeavesItUntouched() throws IOException {
        Path path = dir.resolve("data.sock");
        Files.writeString(path, "keep me");
        IOException e = assertThrowsExactly(IOException.class, () -> UnixSocketFile.prepareForBind(path));
        assertAll(
                () -> assertTrue(e.getMessage().contains("is not a socket"), e.getMessage()),
                () -> assertTrue(e.getMessage().contains(path.toString()), e.getMessage()),
                () -> assertEquals("keep me", Files.readString(path)));
    }

    @Test
    void refusesADirectoryAndLeavesItInPlace() throws IOException {
        Path path = Files.createDirectory(dir.resolve("dir.sock"));
        IOException e = assertThrowsExactly(IOException.class, () -> UnixSocketFile.prepareForBind(path));
        assertAll(
                () -> assertTrue(e.getMessage().contains("is not a socket"), e.getMessage()),
                () -> assertTrue(Files.isDirectory(path)));
    }

    @Test
    void removesAStaleSocketFile() throws IOException {
        Path path = dir.resolve("stale.sock");
        leaveStaleSocket(path);
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "closing a JDK server leaves its socket file");

        UnixSocketFile.prepareForBind(path);

        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        try (ServerSocketChannel server = listen(path)) {
            assertTrue(server.isOpen(), "the reclaimed path can be bound again");
        }
    }

    @Test
    void refusesASocketALiveServerHoldsAndLeavesIt() throws IOException {
        Path path = dir.resolve("live.sock");
        try (ServerSocketChannel server = listen(path)) {
            Object before = fileKey(path);

            IOException e = assertThrowsExactly(IOException.class, () -> UnixSocketFile.prepareForBind(path));

            assertAll(
                    () -> assertTrue(e.getMessage().contains("already listening on " + path), e.getMessage()),
                    () -> assertEquals(before, fileKey(path), "the live server's socket file is untouched"));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertTrue(client.isConnected(), "the live server still takes connections");
            }
            assertTrue(server.isOpen());
        }
    }

    @Test
    void refusesASocketALiveDatagramServerHoldsAndLeavesIt() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "unix datagram sockets need epoll here");
        Path path = dir.resolve("live-gram.sock");
        EventLoopGroup group = Transport.EPOLL.newEventLoopGroup(1, "unix-socket-file-test");
        try {
            Channel channel = bindUnixgram(group, path);
            try {
                Object before = fileKey(path);
                IOException e = assertThrowsExactly(IOException.class, () -> UnixSocketFile.prepareForBind(path));
                assertAll(
                        () -> assertTrue(e.getMessage().contains("already listening on " + path), e.getMessage()),
                        () -> assertEquals(before, fileKey(path), "the live socket file is untouched"));
            } finally {
                channel.close().syncUninterruptibly();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void allowsOneHundredSevenBytesOnLinux() {
        assumeTrue(isLinux(), "the 107-byte limit is Linux's");
        assertEquals(107, UnixSocketFile.maxPathBytes());
        Endpoint endpoint = Endpoint.unix("/" + "a".repeat(106));
        assertEquals(107, endpoint.pathLengthInBytes());
        assertDoesNotThrow(() -> UnixSocketFile.checkPathLength(endpoint, Transport.EPOLL));
    }

    @Test
    void refusesOneHundredEightBytesOnLinuxNamingLengthAndLimit() {
        assumeTrue(isLinux(), "the 107-byte limit is Linux's");
        Endpoint endpoint = Endpoint.unix("/" + "a".repeat(107));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> UnixSocketFile.checkPathLength(endpoint, Transport.EPOLL));
        assertAll(
                () -> assertTrue(e.getMessage().contains("108 bytes"), e.getMessage()),
                () -> assertTrue(e.getMessage().contains("limit of 107"), e.getMessage()),
                () -> assertTrue(e.getMessage().contains(endpoint.path()), e.getMessage()));
    }

    @Test
    void countsThePathLengthInUtf8Bytes() {
        assumeTrue(isLinux(), "the 107-byte limit is Linux's");
        Endpoint fits = Endpoint.unix("/" + "\u00e9".repeat(53));
        Endpoint tooLong = Endpoint.unix("/" + "\u00e9".repeat(54));
        assertAll(
                () -> assertEquals(107, fits.pathLengthInBytes()),
                () -> assertDoesNotThrow(() -> UnixSocketFile.checkPathLength(fits, Transport.EPOLL)),
                () -> assertEquals(55, tooLong.path().length()),
                () -> assertThrows(
                        IllegalArgumentException.class,
                        () -> UnixSocketFile.checkPathLength(tooLong, Transport.EPOLL)));
    }

    /** A path in the temporary directory exactly {@code bytes} long, or none if the directory's path is too long. */
    private Path pathOfLength(int bytes, char fill) {
        String prefix = dir.toAbsolutePath() + "/";
        int padding = bytes - prefix.getBytes(StandardCharsets.UTF_8).length;
        assumeTrue(padding > 0, "the temporary directory's path is too long");
        return Path.of(prefix + String.valueOf(fill).repeat(padding));
    }

    @Test
    void theLongestAllowedPathBindsUnderEpoll() throws Exception {
        assumeTrue(isLinux(), "the 107-byte limit is Linux's");
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available on this machine");
        Path longest = pathOfLength(UnixSocketFile.maxPathBytes(), 'a');
        assertDoesNotThrow(() -> UnixSocketFile.checkPathLength(Endpoint.unix(longest.toString()), Transport.EPOLL));
        EventLoopGroup group = Transport.EPOLL.newEventLoopGroup(1, "unix-socket-file-test");
        try {
            Channel channel = bindUnixgram(group, longest);
            try {
                assertTrue(Files.exists(longest, LinkOption.NOFOLLOW_LINKS), channel::toString);
            } finally {
                channel.close().syncUninterruptibly();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void removesAStaleSocketFileAtTheLongestAllowedPath() throws IOException {
        assumeTrue(isLinux(), "the 107-byte limit is Linux's");
        Path longest = pathOfLength(UnixSocketFile.maxPathBytes(), 'a');
        Path shortPath = dir.resolve("stale.sock");
        leaveStaleSocket(shortPath);
        Files.move(shortPath, longest);
        assertTrue(UnixSocketFile.isSocket(longest));

        UnixSocketFile.prepareForBind(longest);

        assertFalse(Files.exists(longest, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void boundRefusesAPathWithNothingThere() {
        assertThrows(NoSuchFileException.class, () -> UnixSocketFile.bound(dir.resolve("none.sock")));
    }

    @Test
    void deleteRemovesTheBoundFileOnce() throws IOException {
        Path path = dir.resolve("own.sock");
        leaveStaleSocket(path);
        UnixSocketFile file = UnixSocketFile.bound(path);
        assertAll(
                () -> assertEquals(path, file.path()),
                () -> assertTrue(file.delete(), "the first delete removes the file"),
                () -> assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS)),
                () -> assertFalse(file.delete(), "nothing is left to delete"));
    }

    @Test
    void deleteLeavesAnotherServersSocketAtTheSamePath() throws IOException {
        Path path = dir.resolve("shared.sock");
        leaveStaleSocket(path);
        UnixSocketFile first = UnixSocketFile.bound(path);
        // Keep the first inode allocated (a second name for it), so the filesystem cannot hand its number to the
        // new socket; see deleteLeavesANewSocketThatReusedTheOldInodeNumber for the case where it does.
        Files.createLink(dir.resolve("first.keep"), path);
        Files.delete(path);

        try (ServerSocketChannel second = listen(path)) {
            Object secondKey = fileKey(path);

            assertFalse(first.delete(), "the first server's file is gone; nothing of its own to delete");

            assertAll(
                    () -> assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the new socket file stays"),
                    () -> assertEquals(secondKey, fileKey(path)),
                    () -> assertTrue(second.isOpen()));
        }
    }

    @Test
    void deleteLeavesANewSocketThatReusedTheOldInodeNumber() throws IOException {
        Path path = dir.resolve("reused.sock");
        leaveStaleSocket(path);
        UnixSocketFile first = UnixSocketFile.bound(path);
        Files.delete(path);

        try (ServerSocketChannel second = listen(path)) {
            assertFalse(first.delete(), "the file at the path is not the one the first server bound");
            assertAll(
                    () -> assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the new socket file stays"),
                    () -> assertTrue(second.isOpen()));
        }
    }

    @Test
    void modesAreOctalAsChmodTakesThemAndNothingAbove0777() {
        assertEquals(0600, UnixSocketFile.parseMode("600"));
        assertEquals(0660, UnixSocketFile.parseMode("0660"));
        assertEquals(0, UnixSocketFile.parseMode("0"));
        for (String bad : new String[] {"8", "rw", "", "-600", "77777", "1777", "4755"}) {
            assertThrows(IllegalArgumentException.class, () -> UnixSocketFile.parseMode(bad), bad);
        }
        assertEquals(
                PosixFilePermissions.fromString("rw-r-----"), UnixSocketFile.permissions(0640), "owner, group, other");
        assertEquals(PosixFilePermissions.fromString("rwxrwxrwx"), UnixSocketFile.permissions(0777));
    }

    @Test
    void publishingGivesTheModeAndRenamesOverThePath(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("s.sock");
        Path temporary = UnixSocketFile.temporaryFor(path);
        assertEquals(dir, temporary.getParent(), "beside the path, so that the rename stays on one filesystem");
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        UnixSocketFile.publish(temporary, path, 0600);
        assertFalse(Files.exists(temporary));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(path));
    }
}
