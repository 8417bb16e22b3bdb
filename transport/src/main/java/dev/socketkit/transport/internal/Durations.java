package dev.socketkit.transport.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them and read them in log lines: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. One
 * home for both directions, so that a timeout a log line names can be typed back as it is.
 */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");

    private Durations() {}

    /**
     * Parses a duration; a bare number is seconds.
     *
     * @param text digits followed by {@code ms}, {@code s}, {@code m} or {@code h}, or no unit for seconds
     * @return the duration, possibly zero
     * @throws IllegalArgumentException with a message that starts with the quoted text and says what is accepted
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 2s, 1m, 1h)");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /**
     * {@return {@code duration} in the largest unit that shows it exactly: {@code 5m}, {@code 30s}, {@code 250ms}}
     *
     * @param duration not negative
     */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
