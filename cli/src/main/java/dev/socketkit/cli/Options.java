package dev.socketkit.cli;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns option text into checked values; every failure is a {@link UsageException} naming the option. */
final class Options {
    private Options() {}

    static Endpoint endpoint(String text) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad endpoint: " + e.getMessage());
        }
    }

    /** A byte count such as {@code 4096} or {@code 64k}, between {@code min} and {@code max}. */
    static int size(String option, String text, long min, long max) {
        long value;
        try {
            value = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage() + "; give " + min + "-" + max);
        }
        if (value < min || value > max) {
            throw new UsageException(option + ": " + text + " is out of range " + min + "-" + max);
        }
        return (int) value;
    }

    /** A duration such as {@code 500ms}, {@code 2s}, {@code 1m}; a bare number is seconds. Must be positive. */
    static Duration duration(String option, String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageException(option + ": '" + text + "' is not a duration (e.g. 500ms, 2s, 1m)");
        }
        long amount = Long.parseLong(m.group(1));
        Duration value =
                switch (m.group(2) == null ? "s" : m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofSeconds(amount);
                };
        if (value.isZero()) {
            throw new UsageException(option + ": " + text + " must be more than zero");
        }
        return value;
    }

    /**
     * A timeout that may be switched off: {@code none} for no limit, otherwise a positive duration as {@link #duration}
     * reads it. Zero is refused rather than read as "no limit" (as {@code SO_TIMEOUT} reads it) or as "do not wait" (as
     * a poll reads it): a user who types it means one of the two, and guessing wrong either hangs or fails at once.
     *
     * @param option the option's name, for messages
     * @param text what the user typed
     * @return the limit; empty for {@code none}
     * @throws UsageException naming the option and the text if it is neither {@code none} nor a positive duration
     */
    static Optional<Duration> timeout(String option, String text) {
        String value = text.strip();
        if (value.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new UsageException(option + ": '" + text + "' is not a duration (e.g. 500ms, 2s, 1m) or none");
        }
        if (Long.parseLong(m.group(1)) == 0) {
            throw new UsageException(
                    option + ": " + text + " is not a timeout; give a positive duration, or none for no" + " limit");
        }
        return Optional.of(duration(option, value));
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");

    static int count(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + ": " + value + (value < 0 ? " is negative" : " is out of range")
                    + "; give " + min + "-" + max);
        }
        return value;
    }
}
