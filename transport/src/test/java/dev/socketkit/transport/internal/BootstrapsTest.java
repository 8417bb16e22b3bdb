package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingSocketFileIsNamed() {
        Endpoint endpoint = Endpoint.unix(dir.resolve("none.sock").toString());
        assertEquals(Optional.of(Bootstraps.Unreachable.NO_SUCH_SOCKET), Bootstraps.unreachable(endpoint));
        assertEquals("no such socket file: " + endpoint, Bootstraps.Unreachable.NO_SUCH_SOCKET.describe(endpoint));
    }

    @Test
    void anExistingSocketFileMayBeTried() throws IOException {
        Path file = Files.createFile(dir.resolve("there.sock"));
        assertEquals(Optional.empty(), Bootstraps.unreachable(Endpoint.unix(file.toString())));
    }

    @Test
    void anUnresolvableHostIsNamed() {
        Endpoint endpoint = Endpoint.parse("tcp://no-such-host.invalid:9");
        assertEquals(Optional.of(Bootstraps.Unreachable.HOST_NOT_FOUND), Bootstraps.unreachable(endpoint));
        assertEquals("host not found: no-such-host.invalid", Bootstraps.Unreachable.HOST_NOT_FOUND.describe(endpoint));
        assertEquals(Optional.empty(), Bootstraps.unreachable(Endpoint.parse("tcp://127.0.0.1:9")));
    }

    @Test
    void aUnixPathTooLongIsRefusedBeforeAnySocketIsOpened() {
        Endpoint endpoint = Endpoint.unix(dir.resolve("x".repeat(200)).toString());
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> Bootstraps.select(Io.AUTO, endpoint, List.of()));
        assertTrue(refused.getMessage().contains("bytes"), refused.getMessage());
    }

    @Test
    void onlyUnixDatagramClientsBindAPath() {
        Path path = Bootstraps.clientBindPath(SocketKind.UNIXGRAM).orElseThrow();
        assertFalse(Files.exists(path));
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), path.getParent());
        assertTrue(Bootstraps.clientBindPath(SocketKind.UNIX).isEmpty());
        assertTrue(Bootstraps.clientBindPath(SocketKind.TCP).isEmpty());
        assertTrue(Bootstraps.clientBindPath(SocketKind.UDP).isEmpty());
    }
}
