package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many clients at once on one echo server: each gets exactly its own bytes back. */
@Timeout(60)
class ConcurrentClientsIT {
    private static final int CLIENTS = 64;
    private static final int ROUNDS = 10;
    private static final int ROUND_BYTES = 16 * 1024;

    @TempDir
    Path directory;

    @TransportTest
    void echoesSixtyFourConcurrentTcpClientsTheirOwnBytes(Transport transport) throws Exception {
        echoesConcurrentClientsTheirOwnBytes(transport, Endpoints.tcp());
    }

    @TransportTest
    void echoesSixtyFourConcurrentUnixStreamClientsTheirOwnBytes(Transport transport) throws Exception {
        echoesConcurrentClientsTheirOwnBytes(transport, Endpoints.unix(directory));
    }

    private static void echoesConcurrentClientsTheirOwnBytes(Transport transport, Endpoint endpoint) throws Exception {
        ServerConfig config = ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(endpoint);
        try (Server server = Transports.start(transport, config);
                Workers workers = new Workers(CLIENTS)) {
            List<Future<Void>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int clientNumber = i;
                clients.add(workers.submit(() -> {
                    exchange(server.endpoint(), clientNumber);
                    return null;
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            for (Future<Void> client : clients) {
                Workers.result(client, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        }
    }

    private static void exchange(Endpoint endpoint, int clientNumber) throws Exception {
        try (StreamClient client = StreamClient.connect(endpoint)) {
            for (int round = 0; round < ROUNDS; round++) {
                byte[] sent = Text.random(ROUND_BYTES, clientNumber * 1000L + round);
                client.write(sent);
                assertArrayEquals(
                        sent,
                        client.readExactly(ROUND_BYTES),
                        "client " + clientNumber + ", round " + round + ": the echo differs from what was sent");
            }
            client.shutdownOutput();
            if (client.read() != -1) {
                throw new AssertionError("client " + clientNumber + ": bytes after the last echo");
            }
        }
    }
}
