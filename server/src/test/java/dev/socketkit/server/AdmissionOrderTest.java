package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --max-connections} is decided on the listening channel, in accept order, on real loopback sockets: of a burst
 * of connections accepted together, the first accepted takes the last place whichever event loop gets its connection
 * registered first, and a place is given back exactly once however its connection ends, a failed registration too.
 */
@Timeout(30)
class AdmissionOrderTest {
    private static final int BURST = 4;
    private static final ServerConfig CONFIG =
            ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0)).withMaxConnections(1);

    @ParameterizedTest
    @MethodSource("transports")
    void theFirstConnectionOfABurstTakesTheLastPlaceWhicheverLoopRegistersFirst(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport.id() + " is not available here");
        // Two loops: the listener's, and the one the first connection is registered on (Netty takes them in turn, so
        // the second connection goes to the listener's own loop and is registered at once, while it accepts).
        EventLoopGroup group = transport.newEventLoopGroup(2, "admission-test");
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        ServerInitializer initializer = echoWithOnePlace();
        Counters counters = initializer.counters;
        List<Socket> clients = new ArrayList<>();
        try {
            Channel listener = ServerBootstraps.stream(CONFIG, transport, group, connections, initializer)
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            CountDownLatch accepted = new CountDownLatch(BURST);
            listener.eventLoop()
                    .submit(() -> listener.pipeline().addFirst(new AcceptCounter(accepted)))
                    .sync();
            Hold listening = Hold.on(listener.eventLoop());
            Hold other = Hold.on(otherLoop(group, listener.eventLoop()));
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            for (int i = 0; i < BURST; i++) {
                clients.add(connect(port)); // in the kernel's accept queue, in this order
            }
            listening.release();
            assertTrue(accepted.await(10, TimeUnit.SECONDS), "every connection of the burst accepted");
            other.release(); // only now may the first connection's loop register it

            assertEquals("hi", echo(clients.get(0), "hi"), "the first accepted is served");
            for (int i = 1; i < BURST; i++) {
                assertEquals(-1, clients.get(i).getInputStream().read(), "connection " + i + " is refused");
            }
            assertEquals(BURST - 1, counters.guardedCount(Guard.CONNECTION_LIMIT), "refused, each counted once");
            assertEquals(1, counters.accepted.sum(), "accepted");

            clients.get(0).close();
            await(connections::isEmpty, "the first connection's close");
            try (Socket next = connect(port)) {
                assertEquals("again", echo(next, "again"), "the place came back, once");
            }
            assertEquals(BURST - 1, counters.guardedCount(Guard.CONNECTION_LIMIT), "no more refused");
            assertEquals(2, counters.accepted.sum(), "accepted");
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    /**
     * A child group that has shut down: each connection's registration is rejected, Netty closes the connection, and
     * the notification of its close future is rejected too (an ERROR line from Netty), so only the check {@link
     * dev.socketkit.transport.internal.ConnectionCap#admit} makes once the hand-off returns gives its place back.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void aConnectionThatFailsToRegisterGivesItsPlaceBack(Transport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport.id() + " is not available here");
        ServerInitializer initializer = echoWithOnePlace();
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        EventLoopGroup childGroup = transport.newEventLoopGroup(1, "admission-test-dead");
        childGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        EventLoopGroup group = transport.newEventLoopGroup(1, "admission-test");
        try {
            // As ServerBootstraps.stream builds it, but with a child group the connections cannot be registered on.
            Channel listener = new ServerBootstrap()
                    .group(group, childGroup)
                    .channel(transport.serverChannelClass(SocketKind.TCP))
                    .handler(new AcceptGuard(CONFIG.endpoint(), initializer, connections::size))
                    .childHandler(initializer.connections(connections))
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            for (int i = 0; i < 3; i++) {
                try (Socket client = connect(port)) {
                    assertEquals(-1, client.getInputStream().read(), "connection " + i + " is closed");
                }
            }
            // With one place, the second and third would be refused had the first kept it.
            assertEquals(0, initializer.counters.guardedCount(Guard.CONNECTION_LIMIT), "refused by the limit");
            assertEquals(0, initializer.counters.accepted.sum(), "none was ever registered");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            childGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    /** The transports whose acceptors take a burst in one go; each test assumes its transport is available. */
    static List<Transport> transports() {
        return List.of(Transport.NIO, Transport.EPOLL);
    }

    /** An echo server's pipelines, with one place. */
    private static ServerInitializer echoWithOnePlace() {
        return new ServerInitializer(CONFIG, CONFIG.kind().handlerFactory(CONFIG), null, new Counters());
    }

    static EventLoop otherLoop(EventLoopGroup group, EventLoop not) {
        for (EventExecutor loop : group) {
            if (loop != not) {
                return (EventLoop) loop;
            }
        }
        throw new IllegalStateException("a group of one loop");
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    /** An event loop kept busy until released (20 s at most), so that what is queued for it waits. */
    static final class Hold {
        private final CountDownLatch released = new CountDownLatch(1);

        static Hold on(EventLoop loop) throws InterruptedException {
            Hold hold = new Hold();
            CountDownLatch held = new CountDownLatch(1);
            loop.execute(() -> {
                held.countDown();
                try {
                    hold.released.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            return hold;
        }

        void release() {
            released.countDown();
        }
    }

    /** First on the listening channel: counts each accepted connection once the handlers after it have had it. */
    private static final class AcceptCounter extends ChannelInboundHandlerAdapter {
        private final CountDownLatch accepted;

        AcceptCounter(CountDownLatch accepted) {
            this.accepted = accepted;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            accepted.countDown();
        }
    }
}
