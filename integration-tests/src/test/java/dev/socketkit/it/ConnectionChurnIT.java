package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.socketkit.server.BlockingHandler;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.Transport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that come and go by the thousand, ending cleanly or abruptly, leave a stream server as they found it
 * (issue 11): no descriptor kept, no socket left half-closed, no event loop busy, and the server still answering. Two
 * tests are the CVE-2026-42577 regression (fixed in Netty 4.2.13; we pin 4.2.18); run on Netty 4.2.12, the one with a
 * handler still at work after the half-close fails on epoll, its two loops burning 1.5 s of CPU a second.
 *
 * <p>Counts: issue 11 asks for 20,000 churn cycles. Measured here (2 cores, shared, leak detection at paranoid), a
 * cycle takes 0.2 to 0.5 ms over TCP and about 0.15 ms over Unix sockets, and a half-close-then-reset cycle about 3
 * ms; 20,000 on each of the six pairs would take the class past a minute. So the default transport, epoll, runs the
 * full 20,000 over TCP, and every other pair {@value #CHURN}, which still catches a leak of one descriptor in every
 * 3,000 cycles. Every pair runs the 1,000 half-close-then-reset cycles. The class took 50 s in all. Over TLS a
 * cycle is a full handshake as well, both ends on the JDK's engine in this JVM: 7 to 33 ms a cycle measured on the same
 * machine at a load average of 4 (Unix sockets the faster), 25 to 120 ms at 20, so TLS runs {@value #TLS_CHURN} a pair
 * (2 to 10 s each at 4), which catches a descriptor kept once in every 100 cycles, and any connection left half-closed.
 */
@Timeout(120)
class ConnectionChurnIT {
    /** The count, run on the default transport over TCP. */
    private static final int FULL_CHURN = 20_000;

    private static final int CHURN = 10_000;

    /** Over TLS, where each cycle is a full handshake too: see the class comment. */
    private static final int TLS_CHURN = 300;

    private static final int HALF_CLOSE_RESETS = 1_000;

    /** Fewer: each holds a handler's thread (a platform thread on Java 17) until the test ends. */
    private static final int LATE_ANSWER_RESETS = 300;

    /** Cycles before the descriptor baseline: the first connections start the event loops and load classes. */
    private static final int WARM_UP = 20;

    /** What {@code /proc/self/fd} may differ by: descriptors the JVM opens or closes on its own, such as a jar's. */
    private static final int DESCRIPTOR_SLACK = 2;

    /** Connection state 08 of {@code /proc/net/tcp}: the peer has closed, this end has not. */
    private static final String CLOSE_WAIT = "08";

    /** Socket state 03 of {@code /proc/net/unix}: connected. */
    private static final String UNIX_CONNECTED = "03";

    /**
     * CPU time the server's event loops may spend in a second with nothing to do. Idle loops spend none; a loop spinning
     * on a reset it does not see (CVE-2026-42577) spends the whole second, or a good part of it on a loaded machine.
     */
    private static final Duration IDLE_CPU = Duration.ofMillis(100);

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private static final byte[] PING = Text.bytes("ping");

    @TempDir
    Path directory;

    /**
     * Half the cycles read the echo and close (FIN), half reset at once ({@link StreamClient#reset}: over Unix sockets,
     * which have no reset, a close with no shutdown and the echo unread, if it has come). Over TLS each cycle shakes
     * hands first, and ends as a crashed TLS peer does, with no {@code close_notify}.
     */
    @TransportKindAndSecurityTest
    void finsAndResetsByTheThousandLeaveNoDescriptorAndNoHalfClosedSocket(
            Transport transport, SocketKind kind, Security security) throws Exception {
        Transports.assumeCarries(transport, kind);
        int cycles = security == Security.TLS
                ? TLS_CHURN
                : transport == Transport.EPOLL && kind == SocketKind.TCP ? FULL_CHURN : CHURN;
        ServerConfig config = security.applyTo(ServerConfig.defaults().withEndpoint(Endpoints.of(kind, directory)));
        try (Server server = Transports.start(transport, config)) {
            churn(server.endpoint(), security, WARM_UP);
            awaitNoConnection(server);
            long baseline = openDescriptors();
            churn(server.endpoint(), security, cycles);
            awaitNoConnection(server);
            // The clients live in this JVM too, which is why all of them are closed before the count.
            long descriptors = Poll.value(
                    ConnectionChurnIT::openDescriptors, n -> Math.abs(n - baseline) <= DESCRIPTOR_SLACK, Poll.WAIT);
            assertTrue(
                    Math.abs(descriptors - baseline) <= DESCRIPTOR_SLACK,
                    descriptors + " descriptors open after " + cycles + " cycles, " + baseline + " before; "
                            + server.stats().summary());
            List<String> halfClosed = Poll.value(() -> halfClosed(server.endpoint()), List::isEmpty, Poll.WAIT);
            assertTrue(
                    halfClosed.isEmpty(),
                    () -> halfClosed.size() + " sockets of the server that their peers have left are still open, such"
                            + " as " + halfClosed.get(0));
        }
    }

    /**
     * The CVE-2026-42577 regression over the echo server (Netty's epoll transport 4.2.0 to 4.2.12 missed a reset after
     * a half-close: the channel stayed open, or its loop spun at 100 % CPU). Every fourth cycle sends more than the small
     * buffers hold, so that the server, which stays open after the FIN until the echo is written, is half-closed with
     * writes pending when the reset comes; the others send a few bytes, their reset racing the server's own close. The
     * echo server never sits half-closed with nothing to write, so this passes on 4.2.12 too; the next test is the one
     * that state needs.
     */
    @TransportAndStreamKindTest
    void resetsAfterHalfClosesLeaveTheEventLoopsIdleAndTheServerServing(Transport transport, SocketKind kind)
            throws Exception {
        Transports.assumeCarries(transport, kind);
        ThreadMXBean threads = threadCpuTimes();
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withSocketOption(SocketSetting.of("SO_SNDBUF", "8192"));
        // Kernel buffers of the server's send side and this client's receive side hold well under 48 KiB, and 48 KiB
        // pending stays under Netty's 64 KiB high-water mark, so the server keeps reading up to the FIN.
        byte[] backedUp = Text.random(48 * 1024, 11);
        try (Server server = Transports.start(transport, config)) {
            long sent = 0;
            for (int i = 0; i < HALF_CLOSE_RESETS; i++) {
                byte[] message = i % 4 == 0 ? backedUp : PING;
                sent += message.length;
                try (StreamClient client = StreamClient.connect(server.endpoint(), PATIENCE, 4096)) {
                    client.write(message);
                    client.shutdownOutput();
                    if (message == backedUp) {
                        long read = sent;
                        Poll.stats(server, s -> s.bytesIn() >= read, PATIENCE);
                    }
                    client.reset();
                }
            }
            ServerStats stats = awaitNoConnection(server);
            assertEquals(0, stats.openConnections(), "connections still open after their reset: " + stats.summary());
            assertEventLoopsIdle(threads, transport, "with no connection left");
            try (StreamClient fresh = StreamClient.connect(server.endpoint(), PATIENCE)) {
                fresh.write(PING);
                assertEquals("ping", Text.string(fresh.readExactly(PING.length)), "a fresh client after the resets");
            }
        }
    }

    /**
     * The CVE-2026-42577 state itself: the server half-closed with nothing to write, yet open, because its handler is
     * still at work after the client's FIN (as a server answers once the whole request is in), when the reset comes.
     * Netty 4.2.18 watches such a channel for nothing, on every transport, so the reset is seen only when the handler
     * writes; what must hold is that the event loops stay idle meanwhile (the vulnerable epoll transport could spin on
     * the reset it did not handle), and that the connections close once the handlers answer.
     */
    @TransportAndStreamKindTest
    void resetsWhileTheHandlerStillWorksAfterTheHalfCloseLeaveTheLoopsIdleAndCloseOnTheAnswer(
            Transport transport, SocketKind kind) throws Exception {
        Transports.assumeCarries(transport, kind);
        Transports.assumeHalfClosure(transport, kind);
        ThreadMXBean threads = threadCpuTimes();
        Semaphore finsRead = new Semaphore(0);
        CountDownLatch answer = new CountDownLatch(1);
        BlockingHandler lateEcho = request -> {
            byte[] input = request.input().readAllBytes();
            finsRead.release();
            // Bounded: the test lets every handler go once the loops are measured, or fails long before this.
            if (answer.await(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS)) {
                request.output().write(input);
            }
        };
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withHandler(lateEcho);
        try (Server server = Transports.start(transport, config)) {
            try {
                for (int i = 0; i < LATE_ANSWER_RESETS; i++) {
                    try (StreamClient client = StreamClient.connect(server.endpoint(), PATIENCE)) {
                        client.write(PING);
                        client.shutdownOutput();
                        // A semaphore, not a poll: the cycle goes on the moment the handler has read the FIN.
                        assertTrue(finsRead.tryAcquire(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "FIN " + i);
                        client.reset();
                    }
                }
                assertEventLoopsIdle(
                        threads,
                        transport,
                        "with " + server.openConnections() + " reset connections awaiting their answer");
            } finally {
                answer.countDown();
            }
            ServerStats stats = awaitNoConnection(server);
            assertEquals(0, stats.openConnections(), "connections still open after their answer failed");
            try (StreamClient fresh = StreamClient.connect(server.endpoint(), PATIENCE)) {
                fresh.write(PING);
                fresh.shutdownOutput();
                assertEquals("ping", Text.string(fresh.readToEnd(PING.length)), "a fresh client after the resets");
            }
        }
    }

    /**
     * {@code cycles} connections of {@code security}, each sending a ping: even ones read the echo and close, odd ones
     * reset.
     */
    private static void churn(Endpoint endpoint, Security security, int cycles) throws IOException {
        for (int i = 0; i < cycles; i++) {
            try (StreamConnection client = security.connect(endpoint, PATIENCE)) {
                security.assertSpokenBy(client);
                client.write(PING);
                if (i % 2 == 0) {
                    assertEquals("ping", Text.string(client.readExactly(PING.length)), "cycle " + i);
                } else {
                    client.reset();
                }
            }
        }
    }

    private static ServerStats awaitNoConnection(Server server) throws Exception {
        ServerStats stats = Poll.stats(server, s -> s.openConnections() == 0, PATIENCE);
        assertEquals(0, stats.openConnections(), stats.summary());
        return stats;
    }

    /** The descriptors this JVM has open: the server's and the test's, clients included. */
    private static long openDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        assumeTrue(os instanceof UnixOperatingSystemMXBean, "no descriptor count on this OS");
        return ((UnixOperatingSystemMXBean) os).getOpenFileDescriptorCount();
    }

    /**
     * The kernel's lines for the server's sockets that their peer has left and the server has not closed: TCP sockets
     * of its port in CLOSE_WAIT, or, for Unix sockets, which have no such state, accepted sockets of its path still
     * connected.
     */
    private static List<String> halfClosed(Endpoint endpoint) throws IOException {
        if (endpoint.kind().isUnix()) {
            // Num RefCount Protocol Flags Type St Inode Path; accepted sockets carry the listener's path.
            return lines(Path.of("/proc/net/unix"))
                    .filter(fields -> fields.length == 8 && fields[7].equals(endpoint.path()))
                    .filter(fields -> fields[5].equals(UNIX_CONNECTED))
                    .map(fields -> String.join(" ", fields))
                    .collect(Collectors.toList());
        }
        // sl local_address rem_address st ...; the address is hex, the port its last four digits after the colon.
        String port = String.format(Locale.ROOT, ":%04X", endpoint.port());
        return Stream.concat(lines(Path.of("/proc/net/tcp")), lines(Path.of("/proc/net/tcp6")))
                .filter(fields -> fields.length > 3 && fields[1].endsWith(port) && fields[3].equals(CLOSE_WAIT))
                .map(fields -> String.join(" ", fields))
                .collect(Collectors.toList());
    }

    /** The lines of a {@code /proc/net} table after its header, split into fields; none if the table is absent. */
    private static Stream<String[]> lines(Path table) throws IOException {
        if (!Files.exists(table)) {
            return Stream.empty(); // no IPv6 here, or no /proc at all
        }
        return Files.readAllLines(table).stream().skip(1).map(line -> line.trim()
                .split("\\s+"));
    }

    private static ThreadMXBean threadCpuTimes() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled(), "no thread CPU time here");
        return threads;
    }

    /** Fails if the server's event loops on {@code transport} spend more than {@link #IDLE_CPU} in the next second. */
    private static void assertEventLoopsIdle(ThreadMXBean threads, Transport transport, String state)
            throws InterruptedException {
        String prefix = "socketkit-server-" + transport.id() + "-";
        long cpu = cpuNanos(threads, prefix, Duration.ofSeconds(1));
        assertTrue(
                cpu < IDLE_CPU.toNanos(),
                "the event loops (" + prefix + "*) spent " + cpu / 1_000_000 + " ms of CPU in a second " + state);
    }

    /** The CPU time the threads named {@code prefix}* spend over {@code window}; fails if there are none. */
    private static long cpuNanos(ThreadMXBean threads, String prefix, Duration window) throws InterruptedException {
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix))
                .mapToLong(Thread::getId)
                .toArray();
        assertTrue(ids.length > 0, "no thread named " + prefix + "*");
        long[] before = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            before[i] = threads.getThreadCpuTime(ids[i]);
        }
        Thread.sleep(window.toMillis()); // a measuring window, not a wait for something to happen
        long spent = 0;
        for (int i = 0; i < ids.length; i++) {
            long after = threads.getThreadCpuTime(ids[i]);
            if (before[i] >= 0 && after >= 0) { // -1: the thread has ended
                spent += after - before[i];
            }
        }
        return spent;
    }
}
