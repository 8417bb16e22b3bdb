package dev.socketkit.it;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test data: text as bytes and back, seeded random bytes, and a short printable preview for failure messages. */
final class Text {
    private static final int PREVIEW_BYTES = 80;

    private Text() {}

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code length} bytes from a {@link Random} seeded with {@code seed}: the same bytes on every run. */
    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The first bytes as text, unprintable ones escaped, with the total length. */
    static String preview(byte[] bytes) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < Math.min(bytes.length, PREVIEW_BYTES); i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        text.append(bytes.length > PREVIEW_BYTES ? "\"..." : "\"");
        return text.append(" (").append(bytes.length).append(" bytes)").toString();
    }
}
