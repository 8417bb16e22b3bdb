package dev.socketkit.junit;

import static dev.socketkit.junit.Clients.assertGone;
import static dev.socketkit.junit.Clients.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.junit.Launch.StoreClosing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SocketServerExtension}: a server from any configuration (here, a handler of its own), for the class when the
 * extension is static and for each test when it is not, closed afterwards.
 */
@Timeout(30)
class SocketServerExtensionTest {
    /** Filled by the classes {@link Launch} runs; each test that runs one clears it first. */
    static final List<Server> seen = new CopyOnWriteArrayList<>();

    /** Answers every frame in capitals: the kind of server only a configuration of its own can make. */
    @Sharable
    static final class UpperCase extends ChannelInboundHandlerAdapter {
        static final UpperCase INSTANCE = new UpperCase();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                String upper = frame.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
                ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), upper));
            } finally {
                frame.release();
            }
        }
    }

    static ServerConfig upperCase() {
        return ServerConfig.defaults()
                .withEndpoint(Endpoint.anyLocal(SocketKind.TCP))
                .withHandler(() -> UpperCase.INSTANCE)
                .withShutdownTimeout(Duration.ZERO);
    }

    /** Run by {@link #aStaticExtensionRunsOneServerForTheClass}. */
    static class StaticExtension {
        @RegisterExtension
        static SocketServerExtension server = SocketServerExtension.of(upperCase());

        @Test
        void first() {
            check();
        }

        @Test
        void second() {
            check();
        }

        private void check() {
            try (Client client = connect(server.endpoint())) {
                assertEquals("SHOUT", client.request("shout"));
            }
            seen.add(server.server());
        }

        @Nested
        class Inner {
            @Test
            void seesTheSameServer() {
                check();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StoreClosing.class)
    void aStaticExtensionRunsOneServerForTheClass(StoreClosing closing) {
        seen.clear();
        Launch.runPassing(StaticExtension.class, 3, closing);
        assertEquals(3, seen.size());
        assertSame(seen.get(0), seen.get(1), "one server for the class");
        assertSame(seen.get(0), seen.get(2), "a @Nested class shares it");
        assertTrue(seen.get(0).isClosed());
        assertGone(seen.get(0).endpoint());
        assertThrows(IllegalStateException.class, StaticExtension.server::server, "forgotten once closed");
    }

    /** Run by {@link #anInstanceExtensionRunsAServerForEachTest}. */
    static class InstanceExtension {
        @RegisterExtension
        SocketServerExtension server = SocketServerExtension.of(upperCase());

        @Test
        void first() {
            check();
        }

        @Test
        void second() {
            check();
        }

        private void check() {
            seen.forEach(earlier -> assertTrue(earlier.isClosed(), "an earlier test's server is closed"));
            assertFalse(server.server().isClosed());
            try (Client client = connect(server.endpoint())) {
                assertEquals("WHISPER", client.request("whisper"));
            }
            seen.add(server.server());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StoreClosing.class)
    void anInstanceExtensionRunsAServerForEachTest(StoreClosing closing) {
        seen.clear();
        Launch.runPassing(InstanceExtension.class, 2, closing);
        assertEquals(2, seen.size());
        assertNotSame(seen.get(0), seen.get(1));
        for (Server server : seen) {
            assertTrue(server.isClosed());
            assertGone(server.endpoint());
        }
    }

    @Test
    void noServerOutsideTheTests() {
        SocketServerExtension extension = SocketServerExtension.of(upperCase());
        IllegalStateException e = assertThrows(IllegalStateException.class, extension::endpoint);
        assertTrue(
                e.getMessage().startsWith("no server is running for handler server on tcp://127.0.0.1:0"),
                e::getMessage);
    }
}
