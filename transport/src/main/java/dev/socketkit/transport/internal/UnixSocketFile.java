package dev.socketkit.transport.internal;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The file a Unix-domain socket is bound to: made safe to bind before a server starts, and removed after it stops.
 *
 * <p>Netty's native transports unlink whatever is at a path before binding to it, which would silently take the path
 * from a live server or delete a regular file. {@link #prepareForBind} therefore decides first:
 *
 * <ul>
 *   <li>nothing there: bind;
 *   <li>a socket nobody accepts on (left by a crashed server): stale, removed;
 *   <li>a socket a live server holds, or anything that is not a socket: never touched, an error.
 * </ul>
 *
 * Between the check and the bind another process could still take the path; socketkit does not guard that race, as no
 * portable call can.
 */
public final class UnixSocketFile {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** The JDK's own limit on a Unix socket path, one byte below Linux's. */
    private static final int JDK_MAX_PATH_BYTES = 106;

    private final Path path;
    private final Object fileKey;

    private UnixSocketFile(Path path, Object fileKey) {
        this.path = path;
        this.fileKey = fileKey;
    }

    /**
     * {@return the longest path, in bytes, that fits {@code sun_path} with its terminating NUL on this OS} 107 on
     * Linux, 103 on macOS and the BSDs.
     */
    public static int maxPathBytes() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") ? 107 : 103;
    }

    /**
     * Checks that the {@code endpoint}'s path is short enough for this OS and, under NIO, for the JDK, which takes one
     * byte less than the kernel.
     *
     * @param endpoint a Unix-domain endpoint
     * @param transport the transport that will bind or connect it
     * @throws IllegalArgumentException naming the path, its length and the limit
     */
    public static void checkPathLength(Endpoint endpoint, Transport transport) {
        int bytes = endpoint.pathLengthInBytes();
        int max = maxPathBytes();
        if (bytes > max) {
            throw new IllegalArgumentException("unix socket path is " + bytes + " bytes long, over this OS's limit of "
                    + max + " (sun_path): " + endpoint.path());
        }
        if (transport == Transport.NIO && bytes > max - 1) {
            throw new IllegalArgumentException("unix socket path is " + bytes + " bytes long, over the JDK's limit of "
                    + (max - 1) + " for --io nio (native transports take " + max + "): " + endpoint.path());
        }
    }

    /**
     * Makes {@code path} ready to bind: checks that its directory exists and removes a stale socket file.
     *
     * @param path the socket file's path
     * @throws IOException naming the path when the directory is missing, the path is not a socket, or a live server
     *     holds it
     */
    public static void prepareForBind(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new NoSuchFileException(parent.toString(), null, "directory does not exist");
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
        if (isLive(path)) {
            throw new IOException("a server is already listening on " + path);
        }
        Files.deleteIfExists(path);
    }

    /**
     * Remembers the socket file a server just bound, so that {@link #delete} removes that file and no other.
     *
     * @param path the socket file's path
     * @return the bound file
     * @throws IOException if the file's attributes cannot be read
     */
    public static UnixSocketFile bound(Path path) throws IOException {
        return new UnixSocketFile(path, fileKey(path));
    }

    /**
     * Removes the file if it is still the one that was bound (not a file another server made since).
     *
     * @return whether it removed the file
     */
    public boolean delete() {
        try {
            if (Objects.equals(fileKey, fileKey(path))) {
                return Files.deleteIfExists(path);
            }
        } catch (IOException gone) {
            // Already removed (the native stream server channels delete their own file on close).
        }
        return false;
    }

    /**
     * The name a server binds to before {@link #publish} renames it to {@code path}: beside it, in the same directory
     * (a rename cannot cross filesystems), and unique to this process. Hidden until published, so no client sees it.
     *
     * @param path the socket file's path
     * @return {@code path} with {@code .PID.tmp} appended
     */
    public static Path temporaryFor(Path path) {
        return path.resolveSibling(
                path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    /**
     * Gives the socket file bound at {@code temporary} exactly {@code mode} and then renames it to {@code path}, so that
     * the socket is never visible at {@code path} with another mode, as HAProxy publishes its sockets. The umask a
     * bind applies cannot be changed safely in a threaded process; a chmod after binding at the real path would leave
     * it open to anyone the umask allows until then.
     *
     * @param temporary where the socket was bound, from {@link #temporaryFor}
     * @param path where clients will find it
     * @param mode permission bits, 0 to 0777
     * @throws IOException if the mode cannot be set or the rename fails; the temporary file is removed then
     */
    public static void publish(Path temporary, Path path, int mode) throws IOException {
        try {
            Files.setPosixFilePermissions(temporary, permissions(mode));
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * Parses a mode as {@code chmod} takes it in octal: {@code 600}, {@code 0660}.
     *
     * @param text one to four octal digits
     * @return the permission bits
     * @throws IllegalArgumentException if the text is not octal, or sets bits above 0777 (setuid, setgid, sticky mean
     *     nothing on a socket)
     */
    public static int parseMode(String text) {
        String digits = text.strip();
        if (!digits.matches("[0-7]{1,4}")) {
            throw new IllegalArgumentException("'" + text + "' is not an octal mode (e.g. 600, 660, 0666)");
        }
        int mode = Integer.parseInt(digits, 8);
        if (mode > 0777) {
            throw new IllegalArgumentException(
                    "'" + text + "' sets bits above 0777; a socket file's mode is 0 to 0777 (e.g. 600, 660)");
        }
        return mode;
    }

    /** {@return {@code mode} as the JDK's permission set} */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ first, OTHERS_EXECUTE last
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    /** {@return the path of the socket file} */
    public Path path() {
        return path;
    }

    static boolean isSocket(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer && (((Integer) mode) & S_IFMT) == S_IFSOCK;
    }

    /**
     * Whether a process holds the socket at {@code path}. Connecting a stream socket answers for both kinds: "refused"
     * means nobody is bound (stale), success means a stream server, "protocol wrong type" means a datagram socket is
     * bound there. The connect is non-blocking, so a server with a full backlog counts as live instead of hanging us.
     */
    static boolean isLive(Path path) throws IOException {
        if (path.toString().getBytes(StandardCharsets.UTF_8).length <= JDK_MAX_PATH_BYTES) {
            return connects(path);
        }
        // The JDK refuses paths one byte shorter than the kernel does; connect through a short symbolic link (the
        // kernel follows links when connecting) so that a stale file at the longest legal path is still recognised.
        Path link = Files.createTempFile("socketkit-probe", ".sock");
        try {
            Files.delete(link);
            Files.createSymbolicLink(link, path.toAbsolutePath());
            return connects(link);
        } finally {
            Files.deleteIfExists(link);
        }
    }

    private static boolean connects(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException otherwise) {
            return true;
        }
    }

    /**
     * The file's identity: device and inode, plus its change time, because a filesystem may give a new file the inode
     * number of one just deleted.
     */
    private static Object fileKey(Path path) throws IOException {
        return List.of(
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .fileKey(),
                Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS));
    }
}
