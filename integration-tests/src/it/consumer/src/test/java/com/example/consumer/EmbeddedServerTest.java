package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An echo server embedded in a test, and socketkit's client talking to it: what a user's first test looks like. */
@Timeout(30)
class EmbeddedServerTest {
    @Test
    void echoServerAnswersTheClient() {
        ServerConfig config = ServerConfig.defaults().withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"));
        try (Server server = Server.start(config);
                Client client = Client.connect(server.endpoint().toString())) {
            assertEquals("Hello, World!", client.request("Hello, World!"));
        }
    }

    /** A user gets jars from a repository; classes from a build directory would mean this test proves nothing. */
    @Test
    void socketkitComesFromJars() {
        for (Class<?> type : List.of(Server.class, Client.class, Endpoint.class)) {
            String location =
                    type.getProtectionDomain().getCodeSource().getLocation().getPath();
            assertTrue(location.endsWith(".jar"), type.getName() + " was loaded from " + location);
        }
    }
}
