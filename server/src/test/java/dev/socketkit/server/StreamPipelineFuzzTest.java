package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.socketkit.codec.Framing;
import dev.socketkit.codec.FuzzedReads;
import dev.socketkit.codec.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fuzz target for a whole stream connection: the pipeline a server builds for each connection ({@link
 * ServerInitializer#addStreamHandlers}), for the echo and welcome servers over the five framings, fed the fuzzer's bytes
 * in reads of arbitrary sizes, then the peer's end of input (or a close). Whatever the input, no exception and no frame
 * gets past the connection handler (bad frames close the connection and are not the handler's failures), the connection
 * closes once the peer is done, every buffer is released, and an echo is byte-exact: raw echo always, and framed echo
 * of an input the framing accepts, once the peer shuts down its side.
 *
 * <p>Inputs for regression mode, and any crash found, are in {@code StreamPipelineFuzzTestInputs/streamPipeline/}:
 * read from the end, one byte each, come the server kind (0 echo, 1 welcome), the framing (0 raw, 1 line, 2 delimiter
 * {@code |}, 3 two-byte length field, 4 fixed size), its limit or size, the end of input (odd: shut down, even: close);
 * then the reads as {@link FuzzedReads} takes them.
 */
class StreamPipelineFuzzTest {
    private static final ServerKind[] KINDS = {ServerKind.ECHO, ServerKind.WELCOME};
    private static final byte[] DELIMITER = {'|'};
    private static final byte[] LF = {'\n'};

    @FuzzTest
    void streamPipeline(FuzzedDataProvider data) {
        ServerKind kind = data.pickValue(KINDS);
        int framingIndex = data.consumeInt(0, 4);
        int limit = data.consumeInt(1, 256);
        Framing framing =
                switch (framingIndex) {
                    case 0 -> Framing.raw();
                    case 1 -> Framing.line(limit);
                    case 2 -> Framing.delimiter(DELIMITER, limit);
                    case 3 -> Framing.length(2, limit);
                    default -> Framing.fixed(limit);
                };
        boolean shutDownInput = data.consumeBoolean();
        FuzzedReads reads = FuzzedReads.consume(data);

        List<Throwable> handlerFailures = new ArrayList<>();
        ServerConfig config = ServerConfig.defaults()
                .withKind(kind)
                .withFraming(framing)
                .withListener(new ServerListener() {
                    @Override
                    public void handlerFailed(SocketAddress peer, Throwable failure) {
                        handlerFailures.add(failure);
                    }
                });
        Counters counters = new Counters();
        ServerInitializer initializer = new ServerInitializer(config, kind.handlerFactory(config), null, counters);
        // What the server's own initializer does for each accepted connection.
        EmbeddedChannel channel = new EmbeddedChannel(initializer.connections(ConcurrentHashMap.newKeySet()));
        TrackingAllocator allocator = TrackingAllocator.installIn(channel);

        // A write that lets an exception reach the end of the pipeline throws it: that is a finding as it stands.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        readOutput(channel, allocator, output);
        for (int i = 0; i < reads.reads().size() && channel.isOpen(); i++) {
            reads.write(channel, i);
            readOutput(channel, allocator, output);
            assertFalse(counters.failures.sum() > 0 && channel.isOpen(), "a bad frame left the connection open");
        }
        if (shutDownInput && channel.isOpen()) {
            channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            channel.checkException();
            assertFalse(channel.isOpen(), "the connection stays open after the peer shut down its side");
        }
        channel.finish();
        readOutput(channel, allocator, output);
        assertNull(channel.readInbound(), "a frame got past the server's handler");
        assertFalse(channel.finishAndReleaseAll());
        allocator.assertAllReleased();
        assertEquals(List.of(), handlerFailures, "bad input was taken for the handler's failure");

        byte[] input = reads.bytes();
        if (framing.kind() == Framing.Kind.RAW) {
            byte[] expected = kind == ServerKind.ECHO ? input : welcome(config, reads);
            assertArrayEquals(expected, output.toByteArray(), "raw " + kind.id() + " changed the bytes");
        } else if (kind == ServerKind.ECHO && shutDownInput && counters.failures.sum() == 0) {
            assertArrayEquals(echo(framing, limit, input), output.toByteArray(), framing + " echo changed the bytes");
        }
    }

    /**
     * Moves what the connection sent so far into {@code output}, releasing each buffer and tracking it; but for the
     * shared empty buffer that marks a close after pending writes, which is never freed.
     */
    private static void readOutput(EmbeddedChannel channel, TrackingAllocator allocator, ByteArrayOutputStream output) {
        for (ByteBuf sent; (sent = channel.readOutbound()) != null; ) {
            if (sent != Unpooled.EMPTY_BUFFER) {
                allocator.track(sent);
            }
            output.writeBytes(ByteBufUtil.getBytes(sent));
            sent.release();
        }
    }

    /** The welcome server's answer over raw framing, where every read is a frame: the greeting, then each prefixed. */
    private static byte[] welcome(ServerConfig config, FuzzedReads reads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(config.greeting().getBytes(StandardCharsets.UTF_8));
        for (byte[] read : reads.reads()) {
            out.writeBytes(config.dataPrefix().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(read);
        }
        return out.toByteArray();
    }

    /**
     * The echo of an input the framing took without a failure: the input itself, but for the last frame, which the
     * encoder completes: a tail gets its terminator, a short fixed-size frame its zero padding.
     */
    private static byte[] echo(Framing framing, int limit, byte[] input) {
        byte[] terminator =
                switch (framing.kind()) {
                    case LINE -> LF;
                    case DELIMITER -> DELIMITER;
                    case FIXED -> new byte[(limit - input.length % limit) % limit];
                    default -> new byte[0];
                };
        boolean complete = framing.kind() == Framing.Kind.FIXED
                ? terminator.length == 0
                : input.length == 0
                        || Arrays.equals(
                                input,
                                input.length - terminator.length,
                                input.length,
                                terminator,
                                0,
                                terminator.length);
        if (complete) {
            return input;
        }
        byte[] echo = Arrays.copyOf(input, input.length + terminator.length);
        System.arraycopy(terminator, 0, echo, input.length, terminator.length);
        return echo;
    }
}
