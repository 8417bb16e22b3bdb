package dev.socketkit.codec;

import static dev.socketkit.codec.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link Framing} value: its factories, their checks, and its accessors, text and equality. */
class FramingTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 5, 6, 7, 16, -1})
    void refusesALengthFieldOfAnUnsupportedSize(int fieldBytes) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Framing.length(fieldBytes, 1024));

        assertEquals("length field must be 1, 2, 3, 4 or 8 bytes, not " + fieldBytes, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void refusesAFixedFrameSizeBelowOne(int frameSize) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Framing.fixed(frameSize));

        assertEquals("frame size must be at least 1 byte, not " + frameSize, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void refusesAMaximumFrameLengthBelowOne(int max) {
        String expected = "max frame length must be at least 1 byte, not " + max;

        assertEquals(
                expected,
                assertThrows(IllegalArgumentException.class, () -> Framing.line(max))
                        .getMessage());
        assertEquals(
                expected,
                assertThrows(IllegalArgumentException.class, () -> Framing.delimiter(ascii(";"), max))
                        .getMessage());
        assertEquals(
                expected,
                assertThrows(IllegalArgumentException.class, () -> Framing.length(2, max))
                        .getMessage());
    }

    @Test
    void refusesAnEmptyDelimiter() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Framing.delimiter(new byte[0], 64));

        assertEquals("delimiter must not be empty", e.getMessage());
    }

    @Test
    void refusesANullDelimiterByName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Framing.delimiter(null, 64));

        assertEquals("delimiter", e.getMessage());
    }

    @Test
    void acceptsTheSmallestValidValues() {
        assertEquals(1, Framing.line(1).maxFrameLength());
        assertEquals(1, Framing.delimiter(ascii(";"), 1).maxFrameLength());
        assertEquals(1, Framing.length(1, 1).maxFrameLength());
        assertEquals(1, Framing.fixed(1).maxFrameLength());
    }

    @Test
    void reportsItsKindAndMaximum() {
        assertEquals(Framing.Kind.RAW, Framing.raw().kind());
        assertEquals(0, Framing.raw().maxFrameLength());
        assertEquals(Framing.Kind.LINE, Framing.line(10).kind());
        assertEquals(10, Framing.line(10).maxFrameLength());
        assertEquals(Framing.Kind.DELIMITER, Framing.delimiter(ascii(";"), 11).kind());
        assertEquals(11, Framing.delimiter(ascii(";"), 11).maxFrameLength());
        assertEquals(Framing.Kind.LENGTH, Framing.length(4, 12).kind());
        assertEquals(12, Framing.length(4, 12).maxFrameLength());
        assertEquals(Framing.Kind.FIXED, Framing.fixed(13).kind());
        assertEquals(13, Framing.fixed(13).maxFrameLength());
    }

    @Test
    void namesKindsAsTheCommandLineTypesThem() {
        assertEquals("raw", Framing.Kind.RAW.id());
        assertEquals("line", Framing.Kind.LINE.id());
        assertEquals("delimiter", Framing.Kind.DELIMITER.id());
        assertEquals("length", Framing.Kind.LENGTH.id());
        assertEquals("fixed", Framing.Kind.FIXED.id());
    }

    @Test
    void defaultsTheMaximumTo64KiB() {
        assertEquals(65536, Framing.DEFAULT_MAX_FRAME_LENGTH);
    }

    @Test
    void describesItselfInAFewWords() {
        assertEquals("raw", Framing.raw().toString());
        assertEquals(
                "line (max 65536 bytes)",
                Framing.line(Framing.DEFAULT_MAX_FRAME_LENGTH).toString());
        assertEquals(
                "delimiter 0x7c0d0a (max 64 bytes)",
                Framing.delimiter(ascii("|\r\n"), 64).toString());
        assertEquals(
                "length (2-byte field, max 1024 bytes)", Framing.length(2, 1024).toString());
        assertEquals("length (8-byte field, max 7 bytes)", Framing.length(8, 7).toString());
        assertEquals("fixed (16 bytes)", Framing.fixed(16).toString());
    }

    @Test
    void isEqualToAFramingBuiltFromTheSameValues() {
        assertSame(Framing.raw(), Framing.raw());
        assertEqualAndSameHash(Framing.line(10), Framing.line(10));
        assertEqualAndSameHash(Framing.delimiter(ascii("||"), 10), Framing.delimiter(ascii("||"), 10));
        assertEqualAndSameHash(Framing.length(3, 10), Framing.length(3, 10));
        assertEqualAndSameHash(Framing.fixed(10), Framing.fixed(10));
    }

    @Test
    void differsWhenAnyValueDiffers() {
        List<Framing> all = List.of(
                Framing.raw(),
                Framing.line(10),
                Framing.line(11),
                Framing.delimiter(ascii("\n"), 10),
                Framing.delimiter(ascii("|"), 10),
                Framing.delimiter(ascii("||"), 10),
                Framing.delimiter(ascii("|"), 11),
                Framing.length(2, 10),
                Framing.length(4, 10),
                Framing.length(2, 11),
                Framing.fixed(10),
                Framing.fixed(11));
        for (int i = 0; i < all.size(); i++) {
            for (int j = 0; j < all.size(); j++) {
                if (i != j) {
                    assertNotEquals(all.get(i), all.get(j), all.get(i) + " vs " + all.get(j));
                }
            }
        }
        assertFalse(Framing.line(10).equals(null));
        assertFalse(Framing.line(10).equals("line (max 10 bytes)"));
    }

    @Test
    void keepsItsOwnCopyOfTheDelimiter() {
        byte[] delimiter = ascii("|");
        Framing framing = Framing.delimiter(delimiter, 10);

        delimiter[0] = '!';

        assertEquals(Framing.delimiter(ascii("|"), 10), framing);
        assertEquals("delimiter 0x7c (max 10 bytes)", framing.toString());
    }

    @Test
    void installsAFreshDecoderInEveryPipeline() {
        Framing framing = Framing.line(10);
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();

        framing.addTo(first.pipeline());
        framing.addTo(second.pipeline());

        assertNotNull(first.pipeline().get("frameDecoder"));
        assertNotNull(first.pipeline().get("frameEncoder"));
        assertTrue(first.pipeline().get("frameDecoder") != second.pipeline().get("frameDecoder"));
        assertEquals(
                List.of("frameDecoder", "frameEncoder"),
                first.pipeline().names().subList(0, 2));
        assertFalse(first.finishAndReleaseAll());
        assertFalse(second.finishAndReleaseAll());
    }

    private static void assertEqualAndSameHash(Framing expected, Framing actual) {
        assertEquals(expected, actual);
        assertEquals(expected.hashCode(), actual.hashCode());
    }
}
