package dev.socketkit.junit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.socketkit.codec.Framing;
import org.junit.jupiter.api.Test;

/** The framing attribute of {@code @SocketServer}: every form, and a message that says what is wrong. */
class FramingSpecTest {
    private static final int MAX = Framing.DEFAULT_MAX_FRAME_LENGTH;

    @Test
    void everyForm() {
        assertEquals(Framing.raw(), FramingSpec.parse("raw"));
        assertEquals(Framing.line(MAX), FramingSpec.parse("line"));
        assertEquals(Framing.line(MAX), FramingSpec.parse("LINE"));
        assertEquals(Framing.delimiter("|".getBytes(UTF_8), MAX), FramingSpec.parse("delimiter:|"));
        assertEquals(Framing.delimiter("\r\n\r\n".getBytes(UTF_8), MAX), FramingSpec.parse("delimiter:\r\n\r\n"));
        assertEquals(Framing.delimiter(":".getBytes(UTF_8), MAX), FramingSpec.parse("delimiter::"));
        assertEquals(Framing.length(4, MAX), FramingSpec.parse("length"));
        assertEquals(Framing.length(2, MAX), FramingSpec.parse("length:2"));
        assertEquals(Framing.fixed(16), FramingSpec.parse("fixed:16"));
    }

    @Test
    void mistakesAreNamed() {
        String forms = "use raw, line, delimiter:TEXT, length, length:N or fixed:N";
        assertRefused("lines", "unknown framing 'lines'; " + forms);
        assertRefused("", "unknown framing ''; " + forms);
        assertRefused("line:10", "framing 'line:10' takes no value after the colon; " + forms);
        assertRefused("delimiter", "framing 'delimiter' needs its delimiter after a colon, such as delimiter:|");
        assertRefused("fixed", "framing 'fixed' needs its frame size after a colon, such as fixed:16");
        assertRefused("fixed:ten", "'ten' in framing 'fixed:ten' is not a number");
        assertRefused("fixed:0", "frame size must be at least 1 byte, not 0");
        assertRefused("length:5", "length field must be 1, 2, 3, 4 or 8 bytes, not 5");
    }

    private static void assertRefused(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FramingSpec.parse(spec));
        assertEquals(message, e.getMessage(), spec);
    }
}
