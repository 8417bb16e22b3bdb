package dev.socketkit.relay;

import dev.socketkit.transport.internal.Durations;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.Locale;

/**
 * One attribute a fault type takes: its name, its unit, its default and its range. The one home for how an attribute
 * is typed and checked, so that the CLI's {@code --fault}, the Java methods and (later) the Toxiproxy API agree.
 */
final class FaultAttribute {
    /** How a value is typed and what it is held as. */
    enum Unit {
        /** {@code 100ms}, {@code 2s}; held as a {@link Duration}. */
        DURATION,
        /** {@code 4096}, {@code 64KiB}; held as a {@link Long} of bytes. */
        SIZE,
        /** Bytes per second, typed as a size, {@code 64KiB} or {@code 64KiB/s}; held as a {@link Long}. */
        RATE,
        /** A fraction from 0 to 1, {@code 0.3}; held as a {@link Double}. */
        FRACTION,
        /** A whole number; held as a {@link Long}. */
        COUNT
    }

    private final String name;
    private final Unit unit;
    private final Object defaultValue;
    private final Object min;
    private final Object max;

    private FaultAttribute(String name, Unit unit, Object defaultValue, Object min, Object max) {
        this.name = name;
        this.unit = unit;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
    }

    static FaultAttribute duration(String name, Duration defaultValue, Duration max) {
        return new FaultAttribute(name, Unit.DURATION, defaultValue, Duration.ZERO, max);
    }

    static FaultAttribute size(String name, long defaultValue, long min, long max) {
        return new FaultAttribute(name, Unit.SIZE, defaultValue, min, max);
    }

    static FaultAttribute rate(String name, long defaultValue, long max) {
        return new FaultAttribute(name, Unit.RATE, defaultValue, 0L, max);
    }

    static FaultAttribute fraction(String name, double defaultValue) {
        return new FaultAttribute(name, Unit.FRACTION, defaultValue, 0.0, 1.0);
    }

    static FaultAttribute count(String name, long defaultValue, long min, long max) {
        return new FaultAttribute(name, Unit.COUNT, defaultValue, min, max);
    }

    String name() {
        return name;
    }

    Unit unit() {
        return unit;
    }

    Object defaultValue() {
        return defaultValue;
    }

    /** {@return the accepted range, as the error messages and the README state it} */
    String range() {
        return format(min) + " to " + format(max);
    }

    /**
     * Parses a typed value.
     *
     * @param fault the fault's type name, for the message
     * @param text the value as typed
     * @throws IllegalArgumentException naming the value, what is wrong and the range
     */
    Object parse(String fault, String text) {
        String where = fault + " " + name + "=" + text;
        Object value;
        try {
            value = switch (unit) {
                case DURATION -> parseDuration(text);
                case SIZE -> Sizes.parse(text);
                case RATE -> Sizes.parse(stripPerSecond(text));
                case FRACTION -> parseFraction(text);
                case COUNT -> parseCount(text);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage() + "; " + accepted());
        }
        return check(fault, value);
    }

    /**
     * Checks a value given from Java.
     *
     * @param fault the fault's type name, for the message
     * @param value a {@link Duration}, or a number for the other units
     * @return the value as this attribute holds it
     * @throws IllegalArgumentException naming the value, what is wrong and the range
     */
    Object check(String fault, Object value) {
        Object held =
                switch (unit) {
                    case DURATION -> value instanceof Duration ? value : null;
                    case FRACTION -> value instanceof Number n ? (Object) n.doubleValue() : null;
                    default ->
                        value instanceof Number n && !(value instanceof Double || value instanceof Float)
                                ? (Object) n.longValue()
                                : null;
                };
        if (held == null) {
            throw new IllegalArgumentException(fault + " " + name + "=" + value + " is not " + accepted());
        }
        if (compare(held, min) < 0 || compare(held, max) > 0) {
            throw new IllegalArgumentException(
                    fault + " " + name + "=" + format(held) + " is out of range; accepted: " + range());
        }
        return held;
    }

    private String accepted() {
        return switch (unit) {
            case DURATION -> "a duration such as 100ms or 2s, " + range();
            case SIZE -> "a size in bytes such as 512 or 64KiB, " + range();
            case RATE -> "bytes per second such as 65536 or 64KiB, " + range();
            case FRACTION -> "a fraction such as 0.3, " + range();
            case COUNT -> "a whole number, " + range();
        };
    }

    /** A bare number other than 0 is refused: Toxiproxy's bare numbers are milliseconds, the CLI's are seconds. */
    private static Duration parseDuration(String text) {
        String value = text.strip();
        if (!value.isEmpty()
                && value.chars().allMatch(Character::isDigit)
                && !value.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("'" + text + "' needs a unit (ms, s, m or h)");
        }
        return Durations.parse(value);
    }

    private static String stripPerSecond(String text) {
        String value = text.strip();
        return value.toLowerCase(Locale.ROOT).endsWith("/s") ? value.substring(0, value.length() - 2) : value;
    }

    private static double parseFraction(String text) {
        try {
            double value = Double.parseDouble(text.strip());
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
    }

    private static long parseCount(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }

    @SuppressWarnings("unchecked")
    private static int compare(Object a, Object b) {
        return ((Comparable<Object>) a).compareTo(b);
    }

    /** {@return a value as it is typed back: {@code 100ms}, {@code 65536}, {@code 0.3}} */
    static String format(Object value) {
        return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
    }
}
