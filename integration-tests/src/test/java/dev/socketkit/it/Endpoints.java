package dev.socketkit.it;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.nio.file.Path;

/**
 * Where a test server binds: loopback with any free port, or a short path in the test's temporary directory (Unix
 * paths must stay under 108 bytes).
 */
final class Endpoints {
    private Endpoints() {}

    /** An endpoint of {@code kind}: loopback with any free port, or {@code server.sock} in {@code directory}. */
    static Endpoint of(SocketKind kind, Path directory) {
        return switch (kind) {
            case TCP -> tcp();
            case UDP -> udp();
            case UNIX -> unix(directory);
            case UNIXGRAM -> unixgram(directory);
        };
    }

    static Endpoint tcp() {
        return Endpoint.tcp("127.0.0.1", 0);
    }

    static Endpoint udp() {
        return Endpoint.udp("127.0.0.1", 0);
    }

    static Endpoint unix(Path directory) {
        return Endpoint.unix(directory.resolve("server.sock").toString());
    }

    static Endpoint unixgram(Path directory) {
        return Endpoint.unixgram(directory.resolve("server.sock").toString());
    }
}
