package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.Failures;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one-line messages a user sees when a server cannot bind. */
@Timeout(30)
class BindFailureTest {
    @Test
    void addressInUseNamesTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Endpoint endpoint = Endpoint.tcp("127.0.0.1", taken.getLocalPort());
            ServerException e = assertThrows(ServerException.class, () -> Server.start(
                            ServerConfig.defaults().withEndpoint(endpoint))
                    .close());
            assertEquals("address already in use: " + endpoint, e.getMessage());
        }
    }

    @Test
    void permissionDeniedBelowPort1024SaysWhy() {
        String message = Failures.describeBind(
                Endpoint.tcp("127.0.0.1", 80), new BindException("bind(..) failed: Permission denied"));
        assertTrue(message.startsWith("permission denied binding tcp://127.0.0.1:80: ports below 1024"), message);
        assertTrue(message.contains("CAP_NET_BIND_SERVICE"), message);
    }

    @Test
    void missingDirectoryIsNamed() {
        String message = Failures.describeBind(
                Endpoint.unix("/no/such/dir/s.sock"),
                new NoSuchFileException("/no/such/dir", null, "directory does not exist"));
        assertEquals("cannot listen on unix:///no/such/dir/s.sock: directory /no/such/dir does not exist", message);
    }

    @Test
    void foreignAddressIsExplained() {
        String message = Failures.describeBind(
                Endpoint.tcp("192.0.2.1", 9000), new BindException("Cannot assign requested address"));
        assertEquals("cannot listen on tcp://192.0.2.1:9000: 192.0.2.1 is not an address of this machine", message);
    }
}
