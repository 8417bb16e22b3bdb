package dev.socketkit.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for checking {@code --json} output: objects become maps, arrays lists, numbers doubles. Anything
 * that is not one complete JSON value (RFC 8259) is an {@link IllegalArgumentException} saying where. The reading is
 * socketkit's own strict reader's, which the Toxiproxy API reads its bodies with.
 */
final class Json {
    private Json() {}

    static Object parse(String text) {
        try {
            return doubles(dev.socketkit.transport.internal.Json.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " of: " + text, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("not a JSON object: " + text);
        }
        return (Map<String, Object>) value;
    }

    /** The same value with every number a {@link Double}, as the tests compare them. */
    private static Object doubles(Object value) {
        if (value instanceof BigDecimal number) {
            return number.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((name, field) -> copy.put((String) name, doubles(field)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(doubles(item)));
            return copy;
        }
        return value;
    }
}
