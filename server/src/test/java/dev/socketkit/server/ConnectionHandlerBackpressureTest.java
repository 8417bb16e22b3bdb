package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the connection handler turns writability into backpressure. On an {@link EmbeddedChannel} a flush always
 * succeeds, so what stays unwritable is only what is written and not flushed; the socket case (a peer that does not
 * read) is {@code BackpressureIT}'s.
 */
class ConnectionHandlerBackpressureTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
        channel.pipeline()
                .addLast(
                        new ConnectionHandler(1024, new Counters(), ServerListener.NONE, new GuardLog(new Counters())));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void writesOverTheHighWaterMarkAreFlushedAndReadingGoesOn() {
        channel.write(Unpooled.wrappedBuffer(new byte[4096]));

        assertTrue(channel.isWritable(), "the pending write is flushed at once");
        assertTrue(channel.config().isAutoRead(), "reading never stops: the bytes could be sent");
        ByteBuf sent = channel.readOutbound();
        assertEquals(4096, sent.readableBytes());
        sent.release();
    }

    @Test
    void writesUnderTheHighWaterMarkWaitForTheFlush() {
        channel.write(Unpooled.wrappedBuffer(new byte[100]));

        assertNull(channel.readOutbound(), "nothing is flushed before the read batch ends");
        channel.flush();
        ByteBuf sent = channel.readOutbound();
        assertEquals(100, sent.readableBytes());
        sent.release();
    }

    @Test
    void readingStopsWhileTheChannelStaysUnwritableAndResumesWhenItDrains() {
        // Unwritable whatever is flushed, as a socket channel is while the peer's window is full.
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks(); // the change is announced from the event loop
        assertFalse(channel.isWritable());
        assertFalse(channel.config().isAutoRead(), "reading stops while nothing more can be sent");

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        assertTrue(channel.isWritable());
        assertTrue(channel.config().isAutoRead(), "reading resumes once the buffer drains");
    }
}
