package dev.socketkit.junit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A recorded frame keeps its bytes to itself, compares by content, and prints readably. */
class RecordedFrameTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] data = "abc".getBytes(UTF_8);
        RecordedFrame frame = new RecordedFrame(1, PEER, data);
        data[0] = 'x';
        frame.data()[1] = 'y';
        assertArrayEquals("abc".getBytes(UTF_8), frame.data());
        assertEquals("abc", frame.utf8());
    }

    @Test
    void equalByContent() {
        RecordedFrame frame = new RecordedFrame(1, PEER, "abc".getBytes(UTF_8));
        assertEquals(new RecordedFrame(1, PEER, "abc".getBytes(UTF_8)), frame);
        assertEquals(new RecordedFrame(1, PEER, "abc".getBytes(UTF_8)).hashCode(), frame.hashCode());
        assertNotEquals(new RecordedFrame(2, PEER, "abc".getBytes(UTF_8)), frame);
        assertNotEquals(new RecordedFrame(1, PEER, "abd".getBytes(UTF_8)), frame);
    }

    @Test
    void printsTextAsTextAndBinaryAsHex() {
        assertEquals(
                "frame on connection 2 from /127.0.0.1:40000: \"hi\\n\"",
                new RecordedFrame(2, PEER, "hi\n".getBytes(UTF_8)).toString());
        assertEquals(
                "frame on datagram from /127.0.0.1:40000: 0x00ff",
                new RecordedFrame(0, PEER, new byte[] {0, (byte) 0xff}).toString());
    }
}
