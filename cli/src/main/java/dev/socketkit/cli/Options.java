package dev.socketkit.cli;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.Durations;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.Optional;

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
        Duration value = parseDuration(option, text, "");
        if (value.isZero()) {
            throw new UsageException(option + ": " + text + " must be more than zero");
        }
        return value;
    }

    /**
     * A timeout that may be switched off: {@code none} or {@code 0} for no limit, otherwise a duration as {@link
     * #duration} reads it. Zero means no limit, as it does for {@code SO_TIMEOUT}, {@code curl --max-time} and every
     * socketkit timeout, so that one spelling works wherever a timeout is taken.
     *
     * @param option the option's name, for messages
     * @param text what the user typed
     * @return the limit; empty for none
     * @throws UsageException naming the option and the text if it is neither none nor a duration
     */
    static Optional<Duration> timeout(String option, String text) {
        if (text.strip().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        Duration value = parseDuration(option, text, "; 0 or none for no limit");
        return value.isZero() ? Optional.empty() : Optional.of(value);
    }

    private static Duration parseDuration(String option, String text, String more) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new UsageException(option + ": " + message.substring(0, message.length() - 1) + more + ")");
        }
    }

    static int count(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + ": " + value + (value < 0 ? " is negative" : " is out of range")
                    + "; give " + min + "-" + max);
        }
        return value;
    }
}
