package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.server.BlockingHandler;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;

/**
 * What a test suite that embeds servers needs: a hundred start/stop cycles in one JVM, each serving a request, leave no
 * thread, file descriptor or socket file behind. Their time is for the benchmarks; the timeout only keeps a regression
 * to the old two-second quiet period per stop from passing unnoticed for long.
 */
@Timeout(120)
class StartStopCyclesIT {
    private static final int CYCLES = 100;
    private static final Duration SETTLE = Duration.ofSeconds(10);

    @TransportAndKindTest
    void hundredCyclesOfEverySocketKindLeaveNothingBehind(Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        BlockingHandler blocking =
                request -> request.output().write(request.input().readNBytes(2));
        ServerConfig echo = ServerConfig.defaults().withIo(Io.valueOf(transport.name()));
        // One cycle first, so that classes, jars and the JDK's own threads are loaded before the counting starts.
        cycle(echo, kind, transport);
        cycle(echo.withHandler(blocking), kind, transport);
        // No server runs now, so no socketkit thread should either, once the warm-up's have ended.
        Snapshot before = settle(Snapshot.take().withoutThreads());
        assertEquals(Set.of(), before.threads, kind + ": threads still running before the cycles");
        for (int i = 0; i < CYCLES; i++) {
            // Every other cycle runs a blocking handler, whose worker threads must go too.
            cycle(i % 2 == 0 ? echo : echo.withHandler(blocking), kind, transport);
        }
        Snapshot after = settle(before);
        assertEquals(before.threads, after.threads, kind + ": threads left behind");
        assertEquals(before.fileDescriptors, after.fileDescriptors, kind + ": file descriptors left behind");
        assertEquals(before.socketFiles, after.socketFiles, kind + ": socket files left behind");
    }

    /**
     * A fresh endpoint for each cycle from {@link Endpoint#anyLocal}, not one under a {@code @TempDir}: its Unix socket
     * files go into {@code java.io.tmpdir}, where {@link Snapshot} looks for any left behind.
     */
    private static void cycle(ServerConfig config, SocketKind kind, Transport transport) {
        try (Server server = Server.start(config.withEndpoint(Endpoint.anyLocal(kind)));
                Client client = Client.connect(ClientConfig.defaults()
                        .withEndpoint(server.endpoint())
                        .withIo(Io.valueOf(transport.name()))
                        .withReadTimeout(SETTLE))) {
            assertEquals("hi", client.request("hi"));
        }
    }

    /**
     * Waits, up to {@link #SETTLE}, for the state to become {@code expected} (threads that are ending end a little after
     * their executor reports them done); returns the state then.
     */
    private static Snapshot settle(Snapshot expected) throws Exception {
        return Poll.value(Snapshot::take, expected::equals, SETTLE);
    }

    /** socketkit's threads by name, the process's open file descriptors, and socketkit's socket files in tmpdir. */
    private record Snapshot(Set<String> threads, Set<String> fileDescriptors, Set<String> socketFiles) {
        static Snapshot take() throws IOException {
            Set<String> threads = Thread.getAllStackTraces().keySet().stream()
                    .map(Thread::getName)
                    .filter(name -> name.startsWith("socketkit-"))
                    .collect(Collectors.toSet());
            return new Snapshot(threads, list(Path.of("/proc/self/fd"), () -> Set.of()), listSocketFiles());
        }

        /** This state with no socketkit thread running. */
        Snapshot withoutThreads() {
            return new Snapshot(Set.of(), fileDescriptors, socketFiles);
        }

        private static Set<String> listSocketFiles() throws IOException {
            try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                return files.map(path -> path.getFileName().toString())
                        .filter(name -> name.startsWith("socketkit-") && name.endsWith(".sock"))
                        .collect(Collectors.toSet());
            }
        }

        private static Set<String> list(Path directory, Supplier<Set<String>> absent) throws IOException {
            if (!Files.isDirectory(directory)) {
                return absent.get(); // no /proc (macOS): file descriptors cannot be listed there
            }
            try (Stream<Path> entries = Files.list(directory)) {
                return entries.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
            }
        }
    }
}
