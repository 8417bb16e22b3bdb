package dev.socketkit.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * Writes one JSON object, field by field: all {@link BenchReport#toJson()} needs, without a JSON library. Numbers are
 * written in plain decimal (never exponent form), at most 3 decimals; a number that is not finite is written as {@code
 * null}.
 */
final class JsonWriter {
    private final StringBuilder json = new StringBuilder();
    private boolean first = true;

    JsonWriter() {
        json.append('{');
    }

    JsonWriter field(String name, String value) {
        name(name);
        if (value == null) {
            json.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name);
        json.append(value);
        return this;
    }

    JsonWriter field(String name, double value) {
        name(name);
        json.append(number(value));
        return this;
    }

    JsonWriter field(String name, boolean value) {
        name(name);
        json.append(value);
        return this;
    }

    JsonWriter nullField(String name) {
        name(name);
        json.append("null");
        return this;
    }

    JsonWriter field(String name, List<String> values) {
        name(name);
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            string(values.get(i));
        }
        json.append(']');
        return this;
    }

    /** Starts a nested object; {@link #end()} closes it. */
    JsonWriter object(String name) {
        name(name);
        json.append('{');
        first = true;
        return this;
    }

    JsonWriter end() {
        json.append('}');
        first = false;
        return this;
    }

    /** The object, closed. */
    @Override
    public String toString() {
        return json + "}";
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "null";
        }
        String text = String.format(Locale.ROOT, "%.3f", value);
        // Trailing zeros say nothing: 12.500 is 12.5, 3.000 is 3.
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private void name(String name) {
        if (!first) {
            json.append(',');
        }
        first = false;
        string(name);
        json.append(':');
    }

    private void string(String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
