package dev.socketkit.junit;

import dev.socketkit.codec.Framing;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads {@link SocketServer#framing()}: an annotation attribute must be a constant, so a framing is written as text, in
 * the words of {@code socketkit serve --framing} with the one value its mode takes after a colon. Every framing
 * accepts frames up to {@link Framing#DEFAULT_MAX_FRAME_LENGTH}; other limits need {@link SocketServerExtension#of}.
 *
 * <pre>
 * raw               each read is a frame (the default)
 * line              lines ending in \n or \r\n
 * delimiter:TEXT    frames ending in TEXT, taken literally (UTF-8)
 * length            a 4-byte big-endian length prefix
 * length:N          an N-byte prefix: 1, 2, 3, 4 or 8
 * fixed:N           frames of exactly N bytes
 * </pre>
 */
final class FramingSpec {
    static final String FORMS = "raw, line, delimiter:TEXT, length, length:N or fixed:N";

    private FramingSpec() {}

    /**
     * The framing {@code spec} names.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code spec} and what would be right
     */
    static Framing parse(String spec) {
        int colon = spec.indexOf(':');
        String mode = (colon < 0 ? spec : spec.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String value = colon < 0 ? null : spec.substring(colon + 1);
        int max = Framing.DEFAULT_MAX_FRAME_LENGTH;
        switch (mode) {
            case "raw":
                noValue(spec, value);
                return Framing.raw();
            case "line":
                noValue(spec, value);
                return Framing.line(max);
            case "delimiter":
                if (value == null || value.isEmpty()) {
                    throw new IllegalArgumentException(
                            "framing '" + spec + "' needs its delimiter after a colon, such as delimiter:|");
                }
                return Framing.delimiter(value.getBytes(StandardCharsets.UTF_8), max);
            case "length":
                return Framing.length(value == null ? 4 : number(spec, value), max);
            case "fixed":
                if (value == null) {
                    throw new IllegalArgumentException(
                            "framing '" + spec + "' needs its frame size after a colon, such as fixed:16");
                }
                return Framing.fixed(number(spec, value));
            default:
                throw new IllegalArgumentException("unknown framing '" + spec + "'; use " + FORMS);
        }
    }

    private static void noValue(String spec, String value) {
        if (value != null) {
            throw new IllegalArgumentException("framing '" + spec + "' takes no value after the colon; use " + FORMS);
        }
    }

    private static int number(String spec, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' in framing '" + spec + "' is not a number", e);
        }
    }
}
