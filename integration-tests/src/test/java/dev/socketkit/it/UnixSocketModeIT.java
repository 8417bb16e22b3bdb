package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Unix server's socket file with a mode of the operator's choosing: exactly that mode, never seen at its path with
 * another (the umask's wider one) while the server starts, served, and gone with its temporary name when it stops.
 */
@Timeout(60)
class UnixSocketModeIT {
    private static final Set<PosixFilePermission> RW_R = PosixFilePermissions.fromString("rw-r-----");

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.socketkit.it.Transports#withUnixKinds")
    void theSocketFileHasExactlyTheModeAndNeverAnother(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, directory);
        Path file = Path.of(endpoint.path());
        Set<String> modesSeen = ConcurrentHashMap.newKeySet();
        AtomicBoolean started = new AtomicBoolean();
        try (Workers workers = new Workers(1)) {
            // Watches the path from before the bind until just after: a chmod after binding at the path would show the
            // umask's mode (rwxr-xr-x under umask 022) for a moment.
            Future<Void> watcher = workers.submit(() -> {
                for (int i = 0; i < 200_000 && !started.get(); i++) {
                    try {
                        modesSeen.add(PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
                    } catch (NoSuchFileException notYet) {
                        // Not bound yet.
                    }
                }
                return null;
            });
            try (Server server = Transports.start(
                    transport, ServerConfig.defaults().withEndpoint(endpoint).withUnixMode(0640))) {
                started.set(true);
                Workers.result(watcher, Poll.WAIT);
                assertEquals(RW_R, Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
                modesSeen.remove("rw-r-----");
                assertEquals(Set.of(), modesSeen, "other modes seen at the path while the server started");
                assertEchoes(server, kind);
                assertEquals(List.of(file), serverFiles(file), "only the socket file, no temporary name");
            }
            assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS), file + " left behind after close");
            assertEquals(List.of(), serverFiles(file), "nothing of the server's left in the directory");
        }
    }

    private void assertEchoes(Server server, SocketKind kind) throws Exception {
        byte[] hello = Text.bytes("hello");
        if (kind == SocketKind.UNIX) {
            try (StreamClient client = StreamClient.connect(server.endpoint())) {
                client.write(hello);
                assertArrayEquals(hello, client.readExactly(hello.length));
            }
        } else {
            try (UnixDatagramClient client = UnixDatagramClient.bind(directory.resolve("c.sock"), server.endpoint())) {
                client.send(hello);
                assertArrayEquals(hello, client.receive());
            }
        }
    }

    /** The files in the socket file's directory whose names start with its name: itself, and any temporary name. */
    private static List<Path> serverFiles(Path file) throws Exception {
        try (Stream<Path> files = Files.list(file.getParent())) {
            return files.filter(path -> path.getFileName()
                            .toString()
                            .startsWith(file.getFileName().toString()))
                    .toList();
        }
    }
}
