package dev.socketkit.relay;

import static dev.socketkit.relay.RelayConnectionLimitTest.connect;
import static dev.socketkit.relay.RelayConnectionLimitTest.echo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stream relay's listening socket, on real loopback connections: a burst is accepted in one readiness event on
 * epoll ({@code Bootstraps.acceptInBatches}), and the connection limit is decided there, in accept order, whichever
 * event loop registers its connection first. The listener's loop is held while the burst completes in the kernel's
 * accept queue, so all of it is waiting when the loop next looks.
 */
@Timeout(30)
class RelayAdmissionTest {
    private static final int BURST = 4;

    @Test
    void aBurstOfConnectionsIsAcceptedInOneEventOnEpoll() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available here");
        try (Server echo = echoServer();
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint())
                        .withIo(Io.EPOLL)
                        .withThreads(1))) {
            Channel listener = relay.listeningChannel();
            List<Integer> batches = new CopyOnWriteArrayList<>();
            CountDownLatch accepted = new CountDownLatch(BURST);
            listener.eventLoop()
                    .submit(() -> listener.pipeline().addFirst(new Accepts(batches, accepted)))
                    .sync();
            List<Socket> clients = burst(relay, listener.eventLoop());
            try {
                assertTrue(accepted.await(10, TimeUnit.SECONDS), "every connection accepted");
                assertEquals(List.of(BURST), batches, "accepts per readiness event");
                for (int i = 0; i < BURST; i++) {
                    assertEquals("c" + i, echo(clients.get(i), "c" + i), "connection " + i + " is relayed");
                }
            } finally {
                closeAll(clients);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Io.class,
            names = {"NIO", "EPOLL"})
    void theFirstConnectionOfABurstTakesTheLastPlaceWhicheverLoopRegistersFirst(Io io) throws Exception {
        assumeTrue(Transport.valueOf(io.name()).isAvailable(), io + " is not available here");
        try (Server echo = echoServer();
                Relay relay = Relay.start(RelayConfig.of(Endpoint.tcp("127.0.0.1", 0), echo.endpoint())
                        .withIo(io)
                        .withThreads(2)
                        .withMaxConnections(1))) {
            Channel listener = relay.listeningChannel();
            // Netty hands loops out in turn: the first connection goes to the other loop, held until the whole burst
            // is accepted; the second to the listener's own, where it is registered at once, while it accepts.
            EventExecutor other = null;
            for (EventExecutor loop : listener.eventLoop().parent()) {
                other = loop == listener.eventLoop() ? other : loop;
            }
            CountDownLatch accepted = new CountDownLatch(BURST);
            listener.eventLoop()
                    .submit(() -> listener.pipeline().addFirst(new Accepts(new ArrayList<>(), accepted)))
                    .sync();
            CountDownLatch otherFree = hold(other);
            List<Socket> clients = burst(relay, listener.eventLoop());
            try {
                assertTrue(accepted.await(10, TimeUnit.SECONDS), "every connection accepted");
                otherFree.countDown();
                assertEquals("first", echo(clients.get(0), "first"), "the first accepted is relayed");
                for (int i = 1; i < BURST; i++) {
                    assertEquals(-1, clients.get(i).getInputStream().read(), "connection " + i + " is refused");
                }
                assertEquals(BURST - 1, relay.stats().connectionsRefused(), "refused, each counted once");
                assertEquals(1, echo.stats().acceptedConnections(), "the target saw only the first");

                clients.get(0).close();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (relay.stats().openConnections() != 0) {
                    assertTrue(System.nanoTime() < deadline, "timed out waiting for the first connection's close");
                    Thread.sleep(10);
                }
                try (Socket next = connect(relay)) {
                    assertEquals("next", echo(next, "next"), "the place came back, once");
                }
                assertEquals(BURST - 1, relay.stats().connectionsRefused(), "no more refused");
            } finally {
                otherFree.countDown();
                closeAll(clients);
            }
        }
    }

    private static Server echoServer() {
        return Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.tcp("127.0.0.1", 0)));
    }

    /** Connects {@value #BURST} clients while {@code listenerLoop} is held, then lets it accept them. */
    private static List<Socket> burst(Relay relay, EventExecutor listenerLoop) throws Exception {
        CountDownLatch free = hold(listenerLoop);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < BURST; i++) {
                clients.add(connect(relay)); // completed by the kernel, in this order; not accepted yet
            }
        } finally {
            free.countDown();
        }
        return clients;
    }

    /** Keeps {@code loop} busy until the latch returned is counted down, 20 s at most. */
    private static CountDownLatch hold(EventExecutor loop) throws InterruptedException {
        CountDownLatch free = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            try {
                free.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        busy.await();
        return free;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /**
     * First on the listening channel: how many connections each readiness event accepted, each counted once the
     * handlers after it (the relay's admission, Netty's acceptor) have had it.
     */
    private static final class Accepts extends ChannelInboundHandlerAdapter {
        private final List<Integer> batches;
        private final CountDownLatch accepted;
        private int inBatch;

        Accepts(List<Integer> batches, CountDownLatch accepted) {
            this.batches = batches;
            this.accepted = accepted;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            inBatch++;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (inBatch > 0) {
                batches.add(inBatch);
                for (; inBatch > 0; inBatch--) {
                    accepted.countDown();
                }
            }
            ctx.fireChannelReadComplete();
        }
    }
}
