package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.socketkit.codec.ConnectedChannel;
import dev.socketkit.codec.FuzzedReads;
import dev.socketkit.codec.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fuzz target for a connection to a raw echo server that takes the PROXY protocol, the fuzzer's bytes in reads of
 * arbitrary sizes, then the peer's end of input: whatever comes, nothing gets out of the pipeline, every buffer is
 * released, and the connection is either refused (counted, never served) or accepted, and then what followed its header
 * is echoed byte-exact. The header's length is worked out here from the wire format alone (v1: up to the first CR LF;
 * v2: 16 bytes and its length field), not from the decoder.
 *
 * <p>Inputs for regression mode, and any crash found, are in {@code ProxiedPipelineFuzzTestInputs/proxiedPipeline/}:
 * the reads as {@link FuzzedReads} takes them.
 */
class ProxiedPipelineFuzzTest {
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    @FuzzTest
    void proxiedPipeline(FuzzedDataProvider data) {
        FuzzedReads reads = FuzzedReads.consume(data);
        List<SocketAddress> opened = new CopyOnWriteArrayList<>();
        ServerConfig config = ServerConfig.defaults().withProxyProtocol(true).withListener(new ServerListener() {
            @Override
            public void connectionOpened(SocketAddress peer) {
                opened.add(peer);
            }
        });
        Counters counters = new Counters();
        ServerInitializer initializer =
                new ServerInitializer(config, ServerKind.ECHO.handlerFactory(config), null, counters);
        ConnectedChannel channel = ConnectedChannel.of(
                new InetSocketAddress("127.0.0.1", 8090),
                new InetSocketAddress("127.0.0.1", 40000),
                initializer.connections(ConcurrentHashMap.newKeySet()));
        TrackingAllocator allocator = TrackingAllocator.installIn(channel);

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        for (int i = 0; i < reads.reads().size() && channel.isOpen(); i++) {
            reads.write(channel, i); // an exception that reached the pipeline's end would be thrown here
            readOutput(channel, allocator, output);
        }
        if (channel.isOpen()) {
            channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            channel.checkException();
        }
        channel.finish();
        readOutput(channel, allocator, output);
        assertFalse(channel.finishAndReleaseAll(), "a message got past the server's handler");
        allocator.assertAllReleased();

        byte[] input = reads.bytes();
        long refused = counters.guardedCount(Guard.PROXY_HEADER);
        assertEquals(0, counters.failures.sum(), "a bad header is a refusal, not a failure");
        assertEquals(input.length == 0 ? 0 : 1, opened.size() + refused, "accepted or refused, once");
        if (opened.isEmpty()) {
            assertEquals(0, output.size(), "a refused connection is never served");
        } else {
            int header = headerLength(input);
            assertArrayEquals(Arrays.copyOfRange(input, header, input.length), output.toByteArray(), "the echo");
        }
    }

    /** The length of the header {@code input} begins with, by the wire format alone. */
    private static int headerLength(byte[] input) {
        if (Arrays.equals(
                input, 0, Math.min(input.length, V2_SIGNATURE.length), V2_SIGNATURE, 0, V2_SIGNATURE.length)) {
            return 16 + ((input[14] & 0xFF) << 8 | (input[15] & 0xFF));
        }
        for (int i = 0; i + 1 < input.length; i++) {
            if (input[i] == '\r' && input[i + 1] == '\n') {
                return i + 2;
            }
        }
        throw new AssertionError("accepted without a whole header: " + Arrays.toString(input));
    }

    /** Moves what the connection sent into {@code output}, tracking each buffer; the close marker is never freed. */
    private static void readOutput(
            ConnectedChannel channel, TrackingAllocator allocator, ByteArrayOutputStream output) {
        for (ByteBuf sent; (sent = channel.readOutbound()) != null; ) {
            if (sent != Unpooled.EMPTY_BUFFER) {
                allocator.track(sent);
            }
            output.writeBytes(ByteBufUtil.getBytes(sent));
            sent.release();
        }
    }
}
