package dev.socketkit.server;

import dev.socketkit.bench.OutboundSink;
import dev.socketkit.bench.SocketKitBenchmark;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * What the stream guards cost per connection: one accepted connection's life in the echo server without the socket
 * (admitted under the connection limit, its pipeline built, active, closed), with the default timeouts ({@code on}:
 * the deadlines handler, which counts bytes too, and its timer) and with every timeout 0 ({@code off}, so the plain
 * byte counter in its place); time per connection. An {@code EmbeddedChannel}'s loop belongs to no group, so the idle
 * timer is armed as the connection opens; on a server's own loops {@link DeadlineStarts} defers it, and a connection
 * this short would never have one. The connection limit's admission, one compare-and-set, is in both. Hold the difference beside the
 * server's CPU per connection in the harness's {@code connrate}.
 */
public class ConnectionSetupBenchmark extends SocketKitBenchmark {
    /** {@code on}: the default timeouts; {@code off}: every timeout 0. */
    @Param({"on", "off"})
    public String guards;

    private ServerInitializer initializer;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    /** The server's initializer for the chosen configuration, made once as a server makes it at start. */
    @Setup
    public void setUp() {
        ServerConfig config = ServerConfig.defaults();
        if (guards.equals("off")) {
            config = config.withIdleTimeout(Duration.ZERO)
                    .withFrameTimeout(Duration.ZERO)
                    .withWriteTimeout(Duration.ZERO);
        }
        initializer = new ServerInitializer(config, config.kind().handlerFactory(config), null, new Counters());
    }

    /** Accepts, activates and closes one connection; returns it for JMH to consume. */
    @Benchmark
    public EmbeddedChannel connection() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new OutboundSink(), initializer.connections(connections));
        channel.register();
        channel.close();
        return channel;
    }

    /** Accepts one connection, as {@link #connection} does, and leaves it open for a test to look at. */
    EmbeddedChannel open() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(new OutboundSink(), initializer.connections(connections));
        channel.register();
        return channel;
    }

    Set<Channel> connections() {
        return connections;
    }
}
