package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.client.Client;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "Use it from Java" example, compiled and run so that it cannot rot. */
@Timeout(30)
class ReadmeExampleIT {
    @Test
    void readmeExampleRuns() {
        // tag::readme[]
        try (Server server = Server.start(ServerConfig.defaults()
                        .withKind(ServerKind.WELCOME)
                        .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")));
                Client client = Client.connect(server.endpoint().toString())) {
            String greeting = new String(client.receive()); // "Welcome to the server"
            String reply = client.request("Hello, World!"); // "Data received:Hello, World!"
            // end::readme[]
            assertEquals("Welcome to the server", greeting);
            assertEquals("Data received:Hello, World!", reply);
        }
    }
}
