package dev.socketkit.it;

import dev.socketkit.transport.Endpoint;
import java.nio.file.Path;

/**
 * Where a test server binds: loopback with any free port, or a short path in the test's temporary directory (Unix
 * paths must stay under 108 bytes).
 */
final class Endpoints {
    private Endpoints() {}

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
