package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code socketkit send} loads on its way to the answer, read from the JVM's own class-loading log
 * ({@code -Xlog:class+load}, written to a file so stdout stays the payload): the start-up work that
 * {@code benchmarks/startup.sh} measured as worth leaving out stays out, and the output stays the same.
 */
@Timeout(60)
class StartupIT {
    @TempDir
    Path dir;

    private Server server;
    private String endpoint;

    @BeforeEach
    void serve() {
        server = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")));
        endpoint = server.endpoint().toString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs {@code send ENDPOINT hi} with the class-loading log on; checks the exchange and returns the loaded classes. */
    private List<String> sendLoading(String... jvmOptions) throws Exception {
        Path log = dir.resolve("classes-" + jvmOptions.length + ".log");
        List<String> options = new ArrayList<>(List.of(jvmOptions));
        options.add("-Xlog:class+load=info:file=" + log);
        try (SocketKitProcess send = SocketKitProcess.startWithJvmOptions(options, "send", endpoint, "hi")) {
            assertEquals(SocketKitProcess.EXIT_OK, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
            assertEquals(List.of("hi"), send.stdout(), send::toString);
            assertEquals(List.of(), send.stderr(), send::toString);
        }
        // "[0.123s][info][class,load] io.netty.buffer.AllocateChunkEvent source: ..."
        return Files.readAllLines(log).stream()
                .map(line -> line.replaceFirst("^.*\\[class,load\\] (\\S+).*$", "$1"))
                .toList();
    }

    /** Netty's JFR events are its buffer allocator's: {@code AllocateChunkEvent}, {@code FreeBufferEvent}... */
    private static boolean nettyJfrEvents(List<String> classes) {
        return classes.stream().anyMatch(name -> name.startsWith("io.netty.buffer.") && name.endsWith("Event"));
    }

    @Test
    void leavesNettysJfrEventsOffUnlessTheUserTurnsThemOn() throws Exception {
        List<String> byDefault = sendLoading();
        assertTrue(byDefault.contains("io.netty.buffer.AdaptiveByteBufAllocator"), "the allocator ran");
        assertFalse(nettyJfrEvents(byDefault), "Netty's JFR event classes were loaded");
        assertFalse(byDefault.contains("jdk.jfr.internal.MetadataRepository"), "JFR's event registry started");

        List<String> optedIn = sendLoading("-Dio.netty.jfr.enabled=true");
        assertTrue(nettyJfrEvents(optedIn), "-Dio.netty.jfr.enabled=true no longer turns the events on");
    }
}
