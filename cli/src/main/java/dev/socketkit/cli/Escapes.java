package dev.socketkit.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Reads the escapes a shell user types for bytes: {@code \n \r \t \0 \\ \xHH}; other text is UTF-8. */
final class Escapes {
    private Escapes() {}

    static byte[] decode(String option, String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
                continue;
            }
            if (++i >= text.length()) {
                throw new UsageException(option + ": '" + text + "' ends with a lone backslash");
            }
            switch (text.charAt(i)) {
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 't' -> bytes.write('\t');
                case '0' -> bytes.write(0);
                case '\\' -> bytes.write('\\');
                case 'x' -> {
                    try {
                        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                        throw new UsageException(option + ": '\\x' needs two hex digits in '" + text + "'");
                    }
                    i += 2;
                }
                default ->
                    throw new UsageException(option + ": unknown escape '\\" + text.charAt(i) + "' in '" + text
                            + "'; use \\n \\r \\t \\0 \\\\ \\xHH");
            }
        }
        if (bytes.size() == 0) {
            throw new UsageException(option + ": must not be empty");
        }
        return bytes.toByteArray();
    }
}
