package com.example.junitversions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.junit.RecordingServer;
import dev.socketkit.junit.SocketServer;
import dev.socketkit.junit.SocketServerExtension;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Every kind of server socketkit-junit starts for a test is closed once its test or class is over, TLS ones included,
 * on the JUnit this build runs (see pom.xml): a leaked server would pass every test and only show as a growing process.
 */
@Timeout(60)
class ServersAreClosedTest {
    /** Filled by {@link UsesServers}: every server it was given, in each of its tests. */
    static final List<Server> seen = new CopyOnWriteArrayList<>();

    /** Filled by {@link UsesServers}: where each TLS server it was given a client configuration for listened. */
    static final List<Endpoint> tlsSeen = new CopyOnWriteArrayList<>();

    /**
     * A user's test class, run by {@link #everyServerIsClosedOnceItsTestsAreOver} with the real engine so that its
     * servers can be looked at after it. Surefire does not run it on its own: it skips nested classes ({@code *$*}).
     */
    static class UsesServers {
        @SocketServer
        static Server forTheClass;

        @SocketServer(socket = SocketKind.UNIX)
        Server forEachTest;

        @SocketServer(tls = true)
        ClientConfig overTls;

        @RegisterExtension
        static SocketServerExtension configured = SocketServerExtension.of(ServerConfig.defaults()
                .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
                .withShutdownTimeout(Duration.ZERO));

        @Test
        void first(@SocketServer RecordingServer recording) {
            keep(recording);
        }

        @Test
        void second(@SocketServer RecordingServer recording) {
            keep(recording);
        }

        private void keep(RecordingServer recording) {
            for (Server server : List.of(forTheClass, forEachTest, configured.server(), recording.server())) {
                assertFalse(server.isClosed(), () -> server + " should run during the test");
                seen.add(server);
            }
            try (Client client = Client.connect(overTls)) { // trusts the test run's CA, on this JUnit too
                assertEquals("tls", client.request("tls"));
            }
            tlsSeen.add(overTls.endpoint());
        }
    }

    @Test
    void runsOnTheJUnitThisBuildAskedFor() {
        String expected = System.getProperty("expected.junit.version");
        String engine = StreamSupport.stream(
                        ServiceLoader.load(TestEngine.class).spliterator(), false)
                .filter(candidate -> candidate.getId().equals("junit-jupiter"))
                .findFirst()
                .flatMap(TestEngine::getVersion)
                .orElse("none");
        // In the build log, to tell the two builds apart.
        System.out.println("ServersAreClosedTest runs on JUnit Jupiter " + engine);
        assertEquals(expected, engine, "the Jupiter engine's version");
        assertEquals(expected, ExtensionContext.class.getPackage().getImplementationVersion(), "the Jupiter API's");
    }

    @Test
    void everyServerIsClosedOnceItsTestsAreOver() throws Exception {
        seen.clear();
        tlsSeen.clear();
        TestExecutionSummary summary = run(UsesServers.class);
        StringWriter report = new StringWriter();
        summary.printFailuresTo(new PrintWriter(report), 20);
        assertEquals(0, summary.getTotalFailureCount(), report::toString);
        assertEquals(2, summary.getTestsSucceededCount(), report::toString);

        // Two tests, each with the class's two servers, a Unix one of its own and a recording one of its own.
        assertEquals(6, seen.stream().distinct().count(), seen::toString);
        for (Server server : seen) {
            assertTrue(server.isClosed(), () -> server + " is still open after its tests");
            assertNothingListensAt(server.endpoint());
        }
        assertEquals(2, tlsSeen.stream().distinct().count(), tlsSeen::toString);
        for (Endpoint endpoint : tlsSeen) {
            assertNothingListensAt(endpoint);
        }
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(testClass))
                                .build(),
                        listener);
        return listener.getSummary();
    }

    /** With JDK sockets, not socketkit's: a TCP connection is refused, a Unix socket file is gone. */
    private static void assertNothingListensAt(Endpoint endpoint) throws Exception {
        if (endpoint.kind() == SocketKind.UNIX) {
            Path file = Path.of(endpoint.path());
            assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS), () -> file + " is still there");
            return;
        }
        try (Socket socket = new Socket()) {
            assertThrows(
                    ConnectException.class,
                    () -> socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5_000),
                    () -> "something still listens at " + endpoint);
        }
    }
}
