package dev.socketkit.cli;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Sizes;

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
            throw new UsageException(option + ": " + e.getMessage());
        }
        if (value < min || value > max) {
            throw new UsageException(option + ": " + text + " is out of range " + min + "-" + max);
        }
        return (int) value;
    }

    static int count(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + ": " + value + (value < 0 ? " is negative" : " is out of range")
                    + "; give " + min + "-" + max);
        }
        return value;
    }
}
