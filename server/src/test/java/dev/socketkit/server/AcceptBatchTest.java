package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst of connections is accepted in one readiness event of the listening socket, not one event each: real epoll
 * sockets on loopback. The listener's event loop is held while the connections complete in the kernel's backlog, so
 * all of them are waiting when it next looks; then each batch of accepts ends in one {@code channelReadComplete} on
 * the listening channel.
 */
@Timeout(30)
class AcceptBatchTest {
    private static final int BURST = 8;

    @Test
    void aBurstOfConnectionsIsAcceptedInOneEvent() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available here");
        ServerConfig config = ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0));
        EventLoopGroup group = Transport.EPOLL.newEventLoopGroup(1, "accept-batch-test");
        Set<Channel> connections = ConcurrentHashMap.newKeySet();
        ServerInitializer initializer =
                new ServerInitializer(config, config.kind().handlerFactory(config), null, new Counters());
        List<Socket> clients = new ArrayList<>();
        try {
            Channel listener = ServerBootstraps.stream(config, Transport.EPOLL, group, connections, initializer)
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            List<Integer> batches = new CopyOnWriteArrayList<>();
            CountDownLatch accepted = new CountDownLatch(BURST);
            listener.eventLoop()
                    .submit(() -> listener.pipeline().addFirst(new BatchCounter(batches, accepted)))
                    .sync();

            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            listener.eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            held.await();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            for (int i = 0; i < BURST; i++) {
                clients.add(new Socket("127.0.0.1", port)); // the kernel completes it; the loop has not accepted it
            }
            release.countDown();
            accepted.await();

            assertEquals(List.of(BURST), batches, "accepts per readiness event");
            for (Socket client : clients) { // and each of them is served
                OutputStream out = client.getOutputStream();
                out.write("hi".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = client.getInputStream();
                assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), in.readNBytes(2));
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    /** On the listening channel: how many connections each read batch (readiness event) accepted. */
    private static final class BatchCounter extends ChannelInboundHandlerAdapter {
        private final List<Integer> batches;
        private final CountDownLatch accepted;
        private int inBatch;

        BatchCounter(List<Integer> batches, CountDownLatch accepted) {
            this.batches = batches;
            this.accepted = accepted;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            inBatch++;
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (inBatch > 0) {
                batches.add(inBatch);
                for (; inBatch > 0; inBatch--) {
                    accepted.countDown(); // once the batch is recorded
                }
            }
            ctx.fireChannelReadComplete();
        }
    }
}
