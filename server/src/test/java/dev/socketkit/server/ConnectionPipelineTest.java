package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What a new connection's pipeline holds, handler by handler, built by the server's own initializer: each handler is
 * a context object per connection and a step on every read and write, so the count is part of what a connection
 * costs. And the counts those handlers keep are still right.
 */
class ConnectionPipelineTest {
    @Test
    void rawEchoWithEveryGuardOnHasThreeHandlers() {
        assertRawEcho(ServerConfig.defaults(), ConnectionDeadlines.class);
    }

    @Test
    void withoutTimeoutsThePlainCounterTakesTheHeadAndStillCounts() {
        assertRawEcho(
                ServerConfig.defaults()
                        .withIdleTimeout(Duration.ZERO)
                        .withFrameTimeout(Duration.ZERO)
                        .withWriteTimeout(Duration.ZERO),
                TrafficCounter.class);
    }

    /** The raw echo's pipeline is {@code head}, the echo handler and the connection handler, and counts one echo. */
    private static void assertRawEcho(ServerConfig config, Class<?> head) {
        Counters counters = new Counters();
        EmbeddedChannel channel = connection(config, counters);
        try {
            assertEquals(
                    List.of(head, EchoHandler.class, ConnectionHandler.class),
                    handlerTypes(channel),
                    channel.pipeline()::toString);
            channel.writeInbound(Unpooled.copiedBuffer(new byte[64]));
            assertEquals(64, releaseOutbound(channel), "bytes echoed");
            assertEquals(64, counters.bytesIn.sum(), "bytes in");
            assertEquals(64, counters.bytesOut.sum(), "bytes out");
            assertEquals(1, counters.framesIn.sum(), "frames in: each read is one");
            assertEquals(1, counters.framesOut.sum(), "frames out");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void lineFramingCountsBytesAtTheHeadAndFramesAfterTheCodec() {
        Counters counters = new Counters();
        EmbeddedChannel channel = connection(ServerConfig.defaults().withFraming(Framing.line(1024)), counters);
        try {
            assertEquals(ConnectionDeadlines.class, handlerTypes(channel).get(0), channel.pipeline()::toString);
            channel.writeInbound(Unpooled.copiedBuffer(new byte[] {'a', '\n', 'b', '\n'}));
            releaseOutbound(channel);
            assertEquals(4, counters.bytesIn.sum(), "bytes in");
            assertEquals(2, counters.framesIn.sum(), "frames in");
            assertEquals(4, counters.bytesOut.sum(), "bytes out");
            assertEquals(2, counters.framesOut.sum(), "frames out");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static EmbeddedChannel connection(ServerConfig config, Counters counters) {
        ServerInitializer initializer =
                new ServerInitializer(config, config.kind().handlerFactory(config), null, counters);
        return new EmbeddedChannel(initializer.connections(ConcurrentHashMap.newKeySet()));
    }

    private static List<Class<?>> handlerTypes(EmbeddedChannel channel) {
        return channel.pipeline().toMap().values().stream()
                .map(ChannelHandler::getClass)
                .<Class<?>>map(type -> type)
                .toList();
    }

    private static int releaseOutbound(EmbeddedChannel channel) {
        int bytes = 0;
        for (ByteBuf sent; (sent = channel.readOutbound()) != null; ) {
            bytes += sent.readableBytes();
            sent.release();
        }
        return bytes;
    }
}
