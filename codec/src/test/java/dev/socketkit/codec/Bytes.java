package dev.socketkit.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;

/** Byte arrays that tests send and expect. */
final class Bytes {
    private Bytes() {}

    static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    /** The bytes 0, 1, ..., 255, in that order. */
    static byte[] everyByteValue() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static byte[] repeat(char c, int count) {
        return ascii(String.valueOf(c).repeat(count));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
