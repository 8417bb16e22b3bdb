package dev.socketkit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How DEBUG lines show a message: readable text, escaped bytes, cut after 64 bytes. */
class PeersTest {
    @Test
    void escapesControlAndBinaryBytes() {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[] {'h', 'i', '\r', '\n', 0, (byte) 0xff, '"'});
        assertEquals("\"hi\\r\\n\\x00\\xff\\\"\"", Peers.preview(data));
        assertEquals(7, data.readableBytes(), "the preview must not consume the message");
        data.release();
    }

    @Test
    void cutsLongMessagesAfter64Bytes() {
        ByteBuf data = Unpooled.wrappedBuffer("a".repeat(100).getBytes(StandardCharsets.US_ASCII));
        assertEquals("\"" + "a".repeat(64) + "\"...", Peers.preview(data));
        data.release();
    }

    /** What a peer sent, quoted in a WARN line, cannot begin a line of its own or hide behind control characters. */
    @Test
    void printableEscapesEverythingButPrintableAscii() {
        assertEquals(
                "GET /\\x0a2026 fake\\x1b[2J\\xe9\\x{2028}line",
                Peers.printable("GET /\n2026 fake\u001b[2J\u00e9\u2028line"));
    }
}
