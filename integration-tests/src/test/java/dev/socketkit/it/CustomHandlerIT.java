package dev.socketkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.codec.Framing;
import dev.socketkit.server.BlockingHandler;
import dev.socketkit.server.HandlerFactory;
import dev.socketkit.server.Request;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerListener;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers with handlers of their own, in both styles, over every socket kind and transport: what they answer, that a
 * failing handler harms only its own connection, that {@code finish} always runs, that a blocked handler stalls no
 * other connection, and the counters and hooks.
 */
@Timeout(60)
class CustomHandlerIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Echoes each read, but throws on one that starts with {@code x} (IllegalStateException) or {@code i} (IOException). */
    private static final HandlerFactory FAILS_ON_X_OR_I = () -> new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
            ByteBuf data = (ByteBuf) msg;
            byte first = data.getByte(data.readerIndex());
            if (first == 'x' || first == 'i') {
                data.release();
                if (first == 'x') {
                    throw new IllegalStateException("x is not welcome");
                }
                throw new IOException("i is not welcome");
            }
            ctx.writeAndFlush(msg);
        }
    };

    @TempDir
    Path dir;

    private static ClientConfig clientOf(Server server, Transport transport) {
        return ClientConfig.defaults()
                .withEndpoint(server.endpoint())
                .withIo(Io.valueOf(transport.name()))
                .withReadTimeout(WAIT);
    }

    /** Upper-cases every frame or datagram, event-loop style: one handler per connection, one for a datagram socket. */
    private static final class UpperCase extends ChannelInboundHandlerAdapter {
        @Override
        @SuppressWarnings("unchecked")
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof AddressedEnvelope<?, ?> datagram) {
                    AddressedEnvelope<ByteBuf, SocketAddress> in = (AddressedEnvelope<ByteBuf, SocketAddress>) datagram;
                    ctx.writeAndFlush(new DefaultAddressedEnvelope<>(upper(ctx, in.content()), in.sender()));
                } else {
                    ctx.writeAndFlush(upper(ctx, (ByteBuf) msg));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private static ByteBuf upper(ChannelHandlerContext ctx, ByteBuf in) {
            String text = in.toString(UTF_8).toUpperCase(Locale.ROOT);
            return ByteBufUtil.writeUtf8(ctx.alloc(), text);
        }
    }

    @TransportAndKindTest
    void handlerFactoryServesEverySocketKind(Transport transport, SocketKind kind) {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, dir);
        AtomicInteger made = new AtomicInteger();
        ServerConfig config = ServerConfig.defaults().withEndpoint(endpoint).withHandler(() -> {
            made.incrementAndGet();
            return new UpperCase();
        });
        try (Server server = Transports.start(transport, config);
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("HELLO, WORLD!", client.request("Hello, World!"), endpoint::toString);
            assertEquals(1, made.get(), "one handler per connection, or one for the datagram socket");
        }
    }

    @TransportAndKindTest
    void blockingHandlerServesEverySocketKind(Transport transport, SocketKind kind) {
        Transports.assumeCarries(transport, kind);
        Endpoint endpoint = Endpoints.of(kind, dir);
        BlockingHandler upperCase = request -> {
            byte[] data = request.input().readNBytes(13);
            request.output()
                    .write(new String(data, UTF_8).toUpperCase(Locale.ROOT).getBytes(UTF_8));
        };
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults().withEndpoint(endpoint).withHandler(upperCase));
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("HELLO, WORLD!", client.request("Hello, World!"), endpoint::toString);
        }
    }

    @TransportTest
    void blockingHandlerReadsLinesUntilTheClientsEndAndItsAnswersStillGoOut(Transport transport) {
        BlockingHandler lines = request -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(request.input(), UTF_8));
            int count = 0;
            for (String line; (line = in.readLine()) != null; ) {
                request.output().write((++count + ":" + line + "\n").getBytes(UTF_8));
            }
            request.output().write(("total " + count + "\n").getBytes(UTF_8));
        };
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults()
                                .withEndpoint(Endpoints.tcp())
                                .withFraming(Framing.line(1024))
                                .withHandler(lines));
                Client client = Client.connect(clientOf(server, transport).withFraming(Framing.line(1024)))) {
            client.send("a\nb\n");
            client.send("c\n");
            client.shutdownOutput();
            List<String> answers = client.receiveUntilClosed().stream()
                    .map(frame -> new String(frame, UTF_8))
                    .toList();
            assertEquals(List.of("1:a\n", "2:b\n", "3:c\n", "total 3\n"), answers);
        }
    }

    @TransportTest
    void failingHandlerIsReportedOnceFinishRunsAndOtherConnectionsAreServed(Transport transport) throws Exception {
        AtomicInteger finished = new AtomicInteger();
        FailureLog listener = new FailureLog();
        List<Throwable> failures = listener.failures;
        BlockingHandler handler = new BlockingHandler() {
            @Override
            public void handle(Request request) throws Exception {
                String line = new BufferedReader(new InputStreamReader(request.input(), UTF_8)).readLine();
                if ("fail".equals(line)) {
                    throw new IllegalStateException("told to fail");
                }
                request.output().write(("ok " + line + "\n").getBytes(UTF_8));
            }

            @Override
            public void finish(Request request) {
                finished.incrementAndGet();
            }
        };
        try (Server server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(Endpoints.tcp())
                        .withHandler(handler)
                        .withListener(listener))) {
            try (Client good = Client.connect(clientOf(server, transport));
                    Client bad = Client.connect(clientOf(server, transport))) {
                bad.send("fail\n");
                assertTrue(bad.receiveUntilClosed().isEmpty(), "the failing connection is closed, unanswered");
                assertEquals("ok still here\n", good.request("still here\n"));
            }
            try (Client later = Client.connect(clientOf(server, transport))) {
                assertEquals("ok later\n", later.request("later\n"), "the server keeps serving");
            }
            Poll.until(() -> finished.get() == 3, "finish runs for all three connections, the failed one too");
            assertEquals(1, failures.size(), "reported once");
            assertInstanceOf(IllegalStateException.class, failures.get(0));
            assertEquals(1, server.stats().failures());
        }
    }

    /**
     * An {@link IOException} the handler throws on a live connection is the handler's failure, not a reset: reported
     * through the listener and counted, once, like any other.
     */
    @TransportTest
    void blockingStreamHandlerThrowingIoExceptionIsReportedOnce(Transport transport) throws Exception {
        FailureLog listener = new FailureLog();
        List<Throwable> failures = listener.failures;
        BlockingHandler handler = request -> {
            String line = new BufferedReader(new InputStreamReader(request.input(), UTF_8)).readLine();
            if ("bad".equals(line)) {
                throw new IOException("bad request");
            }
            request.output().write(("ok " + line + "\n").getBytes(UTF_8));
        };
        try (Server server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(Endpoints.tcp())
                        .withHandler(handler)
                        .withListener(listener))) {
            try (Client bad = Client.connect(clientOf(server, transport))) {
                bad.send("bad\n");
                assertTrue(bad.receiveUntilClosed().isEmpty(), "the failing connection is closed, unanswered");
            }
            try (Client later = Client.connect(clientOf(server, transport))) {
                assertEquals("ok later\n", later.request("later\n"), "the server keeps serving");
            }
            Poll.until(() -> !failures.isEmpty(), "the failure is reported");
            assertEquals(1, failures.size(), "reported once");
            assertInstanceOf(IOException.class, failures.get(0));
            assertEquals("bad request", failures.get(0).getMessage());
            assertEquals(1, server.stats().failures());
        }
    }

    /** A frame over the limit is the peer's fault, not the handler's: counted as a failure, not passed to the hook. */
    @TransportTest
    void frameOverTheLimitIsCountedButNotReportedAsHandlerFailure(Transport transport) throws Exception {
        FailureLog listener = new FailureLog();
        List<Throwable> failures = listener.failures;
        BlockingHandler echo = request -> request.input().transferTo(request.output());
        try (Server server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(Endpoints.tcp())
                        .withFraming(Framing.line(8))
                        .withHandler(echo)
                        .withListener(listener))) {
            try (Client client = Client.connect(clientOf(server, transport))) {
                client.send("far longer than eight bytes\n");
                client.receiveUntilClosed(); // returns once the server has closed the connection
            }
            Poll.until(() -> server.stats().failures() == 1, "the failure is counted");
            assertTrue(failures.isEmpty(), "not reported as the handler's: " + failures);
        }
    }

    @TransportTest
    void failingEventLoopHandlerClosesOnlyItsOwnConnection(Transport transport) throws Exception {
        FailureLog listener = new FailureLog();
        List<Throwable> failures = listener.failures;
        try (Server server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(Endpoints.tcp())
                        .withHandler(FAILS_ON_X_OR_I)
                        .withListener(listener))) {
            try (Client good = Client.connect(clientOf(server, transport));
                    Client bad = Client.connect(clientOf(server, transport))) {
                bad.send("x");
                assertTrue(bad.receiveUntilClosed().isEmpty(), "the failing connection is closed");
                assertEquals("fine", good.request("fine"), "the other connection is untouched");
            }
            assertEquals(1, failures.size(), "reported once");
            assertEquals(1, server.stats().failures());
        }
    }

    /**
     * Which failures are the handler's: an exception an event-loop handler throws is reported, an {@link IOException}
     * too; a reset by the peer, which reaches the pipeline as an {@code IOException} as well, is counted but is not.
     */
    @TransportTest
    void handlersIoExceptionIsReportedButAPeerResetIsNot(Transport transport) throws Exception {
        FailureLog listener = new FailureLog();
        List<Throwable> failures = listener.failures;
        try (Server server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(Endpoints.tcp())
                        .withHandler(FAILS_ON_X_OR_I)
                        .withListener(listener))) {
            try (Client bad = Client.connect(clientOf(server, transport))) {
                bad.send("i");
                assertTrue(bad.receiveUntilClosed().isEmpty(), "the failing connection is closed");
            }
            Poll.until(() -> !failures.isEmpty(), "the handler's IOException is reported");
            assertEquals("i is not welcome", failures.get(0).getMessage());

            try (Socket peer =
                    new Socket(server.endpoint().host(), server.endpoint().port())) {
                peer.getOutputStream().write("hello".getBytes(UTF_8));
                assertEquals("hello", new String(peer.getInputStream().readNBytes(5), UTF_8));
                peer.setSoLinger(true, 0); // close sends a reset (RST) instead of the orderly FIN
            }
            Poll.until(() -> server.stats().failures() == 2, "the reset is counted");
            assertEquals(1, failures.size(), "the reset is not reported as the handler's: " + failures);
        }
    }

    /**
     * Connections read up to 16 times per readiness event, with adaptive or fixed read sizes: an allocator set as a
     * channel option would otherwise read once, so every read would be flushed and written on its own.
     */
    @TransportTest
    void streamConnectionsReadSixteenTimesPerBatch(Transport transport) throws Exception {
        HandlerFactory reportBatch = () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                RecvByteBufAllocator allocator = ctx.channel().config().getRecvByteBufAllocator();
                int reads = ((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead();
                ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), Integer.toString(reads)));
            }
        };
        for (int bufferSize : new int[] {ServerConfig.AUTO_BUFFER_SIZE, 4096}) {
            try (Server server = Transports.start(
                            transport,
                            ServerConfig.defaults()
                                    .withEndpoint(Endpoints.tcp())
                                    .withBufferSize(bufferSize)
                                    .withHandler(reportBatch));
                    Client client = Client.connect(clientOf(server, transport))) {
                assertEquals("16", client.request("?"), "buffer size " + bufferSize);
            }
        }
    }

    /**
     * A datagram socket reads up to 64 datagrams per readiness event (one each, as before, cost a wake-up, a read and a
     * send per datagram), and hands each small datagram over in a buffer of its own size: the 64 KiB it was read into
     * goes back to the allocator at once, rather than waiting with the datagram until it is answered.
     */
    @TransportAndDatagramKindTest
    void datagramSocketsReadSixtyFourPerBatchIntoRightSizedBuffers(Transport transport, SocketKind kind) {
        Transports.assumeCarries(transport, kind);
        HandlerFactory reportReads = () -> new ChannelInboundHandlerAdapter() {
            @Override
            @SuppressWarnings("unchecked")
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                AddressedEnvelope<ByteBuf, SocketAddress> datagram = (AddressedEnvelope<ByteBuf, SocketAddress>) msg;
                ByteBuf data = datagram.content();
                RecvByteBufAllocator allocator = ctx.channel().config().getRecvByteBufAllocator();
                ByteBuf held = data; // what the datagram holds: epoll's UDP datagrams are slices of a read buffer
                while (held.unwrap() != null) {
                    held = held.unwrap();
                }
                String report = "reads " + ((MaxMessagesRecvByteBufAllocator) allocator).maxMessagesPerRead() + ", "
                        + data.readableBytes() + " bytes holding a buffer of " + held.capacity();
                SocketAddress sender = datagram.sender();
                datagram.release();
                ctx.writeAndFlush(new DefaultAddressedEnvelope<>(ByteBufUtil.writeAscii(ctx.alloc(), report), sender));
            }
        };
        ServerConfig config =
                ServerConfig.defaults().withEndpoint(Endpoints.of(kind, dir)).withHandler(reportReads);
        try (Server server = Transports.start(transport, config);
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("reads 64, 5 bytes holding a buffer of 5", client.request("hello"));
        }
    }

    @TransportTest
    void failingBlockingDatagramHandlerLeavesTheSocketServing(Transport transport) throws Exception {
        BlockingHandler handler = request -> {
            byte[] data = request.input().readAllBytes();
            if (data.length > 0 && data[0] == 'x') {
                throw new IllegalStateException("x is not welcome");
            }
            request.output().write(data);
        };
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults().withEndpoint(Endpoints.udp()).withHandler(handler));
                Client client = Client.connect(clientOf(server, transport))) {
            client.send("x");
            Poll.until(() -> server.stats().failures() == 1, "the failure is counted");
            assertEquals("after", client.request("after"), "the socket goes on serving");
        }
    }

    @TransportTest
    void datagramHandlersIoExceptionIsReportedAndTheSocketGoesOnServing(Transport transport) throws Exception {
        FailureLog listener = new FailureLog();
        List<Throwable> failures = listener.failures;
        HandlerFactory failOnI = () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
                AddressedEnvelope<?, ?> datagram = (AddressedEnvelope<?, ?>) msg;
                ByteBuf data = (ByteBuf) datagram.content();
                if (data.getByte(data.readerIndex()) == 'i') {
                    datagram.release();
                    throw new IOException("i is not welcome");
                }
                ctx.writeAndFlush(new DefaultAddressedEnvelope<>(data, datagram.sender()));
            }
        };
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults()
                                .withEndpoint(Endpoints.udp())
                                .withHandler(failOnI)
                                .withListener(listener));
                Client client = Client.connect(clientOf(server, transport))) {
            client.send("i");
            Poll.until(() -> !failures.isEmpty(), "the handler's IOException is reported");
            assertEquals("after", client.request("after"), "the socket goes on serving");
            assertEquals(1, failures.size(), "reported once");
            assertEquals("i is not welcome", failures.get(0).getMessage());
        }
    }

    @TransportTest
    void blockedHandlerStallsNoOtherConnection(Transport transport) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingHandler handler = request -> {
            String line = new BufferedReader(new InputStreamReader(request.input(), UTF_8)).readLine();
            if ("block".equals(line)) {
                release.await(30, TimeUnit.SECONDS);
            }
            request.output().write(("done " + line + "\n").getBytes(UTF_8));
        };
        try (Server server = Transports.start(
                transport, ServerConfig.defaults().withEndpoint(Endpoints.tcp()).withHandler(handler))) {
            try (Client blocked = Client.connect(clientOf(server, transport))) {
                blocked.send("block\n");
                // More connections than event-loop threads and cores, each answered while the first is blocked.
                for (int i = 0; i < 8; i++) {
                    try (Client other = Client.connect(clientOf(server, transport))) {
                        assertEquals("done " + i + "\n", other.request(i + "\n"));
                    }
                }
                release.countDown();
                assertEquals("done block\n", new String(blocked.receive(), UTF_8));
            }
        }
    }

    @TransportTest
    void blockingDatagramHandlerAnswersEachDatagramAfterFinish(Transport transport) {
        List<String> calls = new CopyOnWriteArrayList<>();
        BlockingHandler handler = new BlockingHandler() {
            @Override
            public void setup(Request request) {
                calls.add("setup");
            }

            @Override
            public void handle(Request request) throws Exception {
                calls.add("handle");
                request.output().write("got ".getBytes(UTF_8));
                request.output().write(request.input().readAllBytes());
            }

            @Override
            public void finish(Request request) {
                assertTrue(request.isDatagram());
                assertNotNull(request.peer());
                calls.add("finish");
            }
        };
        try (Server server = Transports.start(
                        transport,
                        ServerConfig.defaults().withEndpoint(Endpoints.udp()).withHandler(handler));
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("got one", client.request("one"));
            assertEquals("got two", client.request("two"));
            assertEquals(List.of("setup", "handle", "finish", "setup", "handle", "finish"), calls);
        }
    }

    @TransportTest
    void statsCountConnectionsBytesAndFrames(Transport transport) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ServerListener listener = new ServerListener() {
            @Override
            public void connectionOpened(SocketAddress peer) {
                events.add("opened");
            }

            @Override
            public void connectionClosed(SocketAddress peer) {
                events.add("closed");
            }
        };
        try (Server server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(Endpoints.tcp())
                        .withFraming(Framing.line(1024))
                        .withListener(listener))) {
            try (Client client = Client.connect(clientOf(server, transport).withFraming(Framing.line(1024)))) {
                assertEquals("a\n", client.request("a\n"));
                assertEquals("bc\n", client.request("bc\n"));
                assertEquals(1, server.stats().openConnections());
            }
            Poll.until(() -> server.stats().openConnections() == 0, "the connection is counted closed");
            ServerStats stats = server.stats();
            assertEquals(new ServerStats(0, 1, 5, 5, 2, 2, 0, 0), stats);
            assertEquals(List.of("opened", "closed"), events);
        }
    }

    /** Raw framing has no codec, so one counter at the head counts both: every read is a frame, every write one. */
    @TransportTest
    void rawStreamStatsCountEachReadAsAFrame(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.tcp()))) {
            try (Client client = Client.connect(clientOf(server, transport))) {
                assertEquals("abc", client.request("abc"));
                Poll.until(() -> server.stats().framesOut() == 1, "the answer is counted");
                assertEquals("de", client.request("de"));
                Poll.until(() -> server.stats().framesOut() == 2, "the second answer is counted");
            }
            Poll.until(() -> server.stats().openConnections() == 0, "the connection is counted closed");
            assertEquals(new ServerStats(0, 1, 5, 5, 2, 2, 0, 0), server.stats());
        }
    }

    /** A hook that throws closes that connection, which is then forgotten; the server goes on serving. */
    @TransportTest
    void aThrowingOpenHookClosesOnlyThatConnection(Transport transport) throws Exception {
        AtomicInteger opened = new AtomicInteger();
        ServerListener listener = new ServerListener() {
            @Override
            public void connectionOpened(SocketAddress peer) {
                if (opened.incrementAndGet() == 1) {
                    throw new IllegalStateException("first connection refused by the hook");
                }
            }
        };
        try (Server server = Transports.start(
                transport, ServerConfig.defaults().withEndpoint(Endpoints.tcp()).withListener(listener))) {
            try (Client first = Client.connect(clientOf(server, transport))) {
                // Nothing sent: a server closing with unread bytes would reset the connection instead.
                assertTrue(first.receiveUntilClosed().isEmpty(), "the hook's connection is closed");
            }
            Poll.until(() -> server.stats().openConnections() == 0, "the closed connection is forgotten");
            try (Client second = Client.connect(clientOf(server, transport))) {
                assertEquals("kept", second.request("kept"));
                assertEquals(1, server.stats().openConnections());
            }
        }
    }

    @TransportTest
    void datagramStatsCountDatagramsAndDropWhatCannotBeAnswered(Transport transport) throws Exception {
        try (Server server = Transports.start(transport, ServerConfig.defaults().withEndpoint(Endpoints.udp()));
                Client client = Client.connect(clientOf(server, transport))) {
            assertEquals("abc", client.request("abc"));
            Poll.until(() -> server.stats().framesOut() == 1, "the answer is counted");
            assertEquals(new ServerStats(0, 0, 3, 3, 1, 1, 0, 0), server.stats());
        }
    }

    /** A listener that keeps every failure passed to {@link ServerListener#handlerFailed}. */
    private static final class FailureLog implements ServerListener {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public void handlerFailed(SocketAddress peer, Throwable failure) {
            failures.add(failure);
        }
    }
}
