package dev.socketkit.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cutting stdin into frames: byte-exact, with the limit checked, however the input's reads are split. */
class TerminatedFramesTest {
    @ParameterizedTest(name = "one byte per read: {0}")
    @ValueSource(booleans = {false, true})
    void keepsEveryTerminatorAndTheUnterminatedRest(boolean oneByteAtATime) throws IOException {
        TerminatedFrames lines = TerminatedFrames.lines(input("one\ntwo\r\n\nrest", oneByteAtATime), 64);
        assertEquals(List.of("one\n", "two\r\n", "\n", "rest"), all(lines));
    }

    @ParameterizedTest(name = "one byte per read: {0}")
    @ValueSource(booleans = {false, true})
    void findsADelimiterSplitAcrossReads(boolean oneByteAtATime) throws IOException {
        TerminatedFrames frames =
                new TerminatedFrames(input("a||bb||", oneByteAtATime), "||".getBytes(US_ASCII), false, 2, "frame");
        assertEquals(List.of("a||", "bb||"), all(frames));
    }

    @ParameterizedTest(name = "one byte per read: {0}")
    @ValueSource(booleans = {false, true})
    void aLineAtTheLimitPassesWithItsCrLfAndOneByteMoreIsRefused(boolean oneByteAtATime) throws IOException {
        TerminatedFrames lines = TerminatedFrames.lines(input("abcd\r\nabcde\n", oneByteAtATime), 4);
        assertEquals("abcd\r\n", new String(lines.next(), US_ASCII));
        TerminatedFrames.TooLong e = assertThrows(TerminatedFrames.TooLong.class, lines::next);
        assertEquals("line 2 is over the limit of 4 bytes", e.getMessage());
    }

    @ParameterizedTest(name = "one byte per read: {0}")
    @ValueSource(booleans = {false, true})
    void refusesAnEndlessLineOnceItPassesTheLimit(boolean oneByteAtATime) throws IOException {
        TerminatedFrames lines = TerminatedFrames.lines(input("x".repeat(100_000), oneByteAtATime), 10);
        assertThrows(TerminatedFrames.TooLong.class, lines::next);
    }

    @ParameterizedTest(name = "one byte per read: {0}")
    @ValueSource(booleans = {false, true})
    void nextIfReadNeverWaitsForInput(boolean oneByteAtATime) throws IOException {
        TerminatedFrames lines = TerminatedFrames.lines(input("a\nb\nc", oneByteAtATime), 8);
        assertEquals("a\n", new String(lines.next(), US_ASCII));
        List<String> alreadyRead = new ArrayList<>();
        for (byte[] frame = lines.nextIfRead(); frame != null; frame = lines.nextIfRead()) {
            alreadyRead.add(new String(frame, US_ASCII));
        }
        assertEquals(oneByteAtATime ? List.of() : List.of("b\n"), alreadyRead, "the unterminated c is not whole");
    }

    private static List<String> all(TerminatedFrames frames) throws IOException {
        List<String> all = new ArrayList<>();
        for (byte[] frame = frames.next(); frame != null; frame = frames.next()) {
            all.add(new String(frame, US_ASCII));
        }
        assertNull(frames.next(), "a frame after the end");
        return all;
    }

    private static InputStream input(String text, boolean oneByteAtATime) {
        byte[] bytes = text.getBytes(US_ASCII);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                return super.read(buffer, offset, oneByteAtATime ? Math.min(1, length) : length);
            }
        };
    }
}
