package dev.socketkit.transport.internal;

import java.util.Locale;

/** Byte counts as people type them: {@code 4096}, {@code 64k}, {@code 64KiB}, {@code 1m}; suffixes are powers of 1024. */
public final class Sizes {
    /** The largest read buffer servers and clients accept ({@code --buffer-size}): 64 MiB. */
    public static final int MAX_READ_BUFFER = 64 << 20;

    private Sizes() {}

    /**
     * Parses a non-negative byte count.
     *
     * @param text digits, optionally followed by {@code k}, {@code m}, {@code KiB} or {@code MiB} in any case
     * @return the number of bytes
     * @throws IllegalArgumentException with a message that starts with the quoted text and says what is wrong
     */
    public static long parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        String digits = value;
        for (String[] suffix : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"k", "1024"}, {"m", "1048576"}}) {
            if (value.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                digits = value.substring(0, value.length() - suffix[0].length());
                break;
            }
        }
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes (e.g. 4096 or 64k)");
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }
}
