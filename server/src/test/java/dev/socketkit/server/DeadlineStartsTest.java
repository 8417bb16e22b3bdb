package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * New connections get their idle timers from a pass per event loop, not each its own timer at open: real connections
 * on loopback to the server's pipeline, on an event loop that counts what is scheduled on it, told apart by task (a
 * connection's own timer is its {@link ConnectionDeadlines}; anything else is a pass).
 */
@Timeout(60)
class DeadlineStartsTest {
    private static final int CONNECTIONS = 20;

    private final AtomicInteger connectionTimers = new AtomicInteger();
    private final AtomicInteger otherTasks = new AtomicInteger();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private EventLoopGroup group;

    @AfterEach
    void shutDown() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void shortConnectionsGetNoTimerOfTheirOwn() throws Exception {
        int port = start(ServerConfig.defaults(), new Counters());
        for (int i = 0; i < CONNECTIONS; i++) {
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.getOutputStream().write('x');
                InputStream in = client.getInputStream();
                assertEquals('x', in.read());
                client.shutdownOutput();
                assertEquals(-1, in.read(), "the server closes once the client has"); // and so drops its handler
            }
        }
        // One at a time, so a pass finds at most one open to arm: without the passes, each had a timer of its own.
        assertTrue(
                connectionTimers.get() <= otherTasks.get(),
                connectionTimers + " connection timers for " + otherTasks + " passes");
    }

    @Test
    void aPeerThatNeverSendsIsStillClosedAtItsIdleTimeout() throws Exception {
        Counters counters = new Counters();
        int port = start(ServerConfig.defaults().withIdleTimeout(Duration.ofMillis(200)), counters);
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(30_000);
            assertEquals(-1, client.getInputStream().read(), "closed by the server");
        }
        assertEquals(1, counters.guardedCount(Guard.IDLE_TIMEOUT), "counted as the idle timeout");
        assertTrue(connectionTimers.get() >= 1, "its timer, armed by the pass");
    }

    /** Starts the echo server's listener for {@code config} on one counting event loop; returns its port. */
    private int start(ServerConfig config, Counters counters) throws InterruptedException {
        config = config.withEndpoint(Endpoint.tcp("127.0.0.1", 0));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory, Object... args) {
                return new SingleThreadIoEventLoop(this, executor, factory) {
                    @Override
                    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                        (task instanceof ConnectionDeadlines ? connectionTimers : otherTasks).incrementAndGet();
                        return super.schedule(task, delay, unit);
                    }
                };
            }
        };
        ServerInitializer initializer =
                new ServerInitializer(config, config.kind().handlerFactory(config), null, counters);
        Channel listener = ServerBootstraps.stream(config, Transport.NIO, group, connections, initializer)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }
}
