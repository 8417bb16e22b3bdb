package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @Test
    void readsObjectsInTheirOrderWithExactNumbers() {
        Object value =
                Json.parse(" {\"b\": [1, 1.5, -0.25e2], \"a\": {\"t\": true, \"n\": null}, \"s\": \"\\u00e9\\n\"} ");
        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals(List.of("b", "a", "s"), List.copyOf(map.keySet()));
        assertEquals(List.of(new BigDecimal("1"), new BigDecimal("1.5"), new BigDecimal("-0.25e2")), map.get("b"));
        Map<?, ?> inner = (Map<?, ?>) map.get("a");
        assertEquals(Boolean.TRUE, inner.get("t"));
        assertTrue(inner.containsKey("n"));
        assertEquals("é\n", map.get("s"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "{\"a\":1,}",
                "{\"a\":1 \"b\":2}",
                "{\"a\":1,\"a\":2}",
                "[1,]",
                "01",
                "1.",
                "-",
                "tru",
                "\"tab\there\"",
                "\"\\x\"",
                "{} {}",
                "{'a':1}",
                "123456789012345678901234567890123"
            })
    void refusesWhatIsNotOneStrictValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains(" at character "), e.getMessage());
    }

    @Test
    void refusesNestingDeeperThanItsLimit() {
        char[] open = new char[Json.MAX_DEPTH + 1];
        char[] close = new char[Json.MAX_DEPTH + 1];
        Arrays.fill(open, '[');
        Arrays.fill(close, ']');
        String deep = new String(open) + new String(close);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().startsWith("nested deeper than " + Json.MAX_DEPTH), e.getMessage());
        String limit = deep.substring(1, deep.length() - 1);
        assertEquals(1, ((List<?>) Json.parse(limit)).size());
    }

    @Test
    void writesWhatItReadsBack() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "a \"quoted\"\\ \u0001 name");
        value.put("toxicity", 1.0);
        value.put("half", 0.5);
        value.put("rate", 64L);
        value.put("on", false);
        value.put("none", null);
        value.put("list", List.of(1, "x"));
        String text = Json.write(value);
        assertEquals(
                "{\"name\":\"a \\\"quoted\\\"\\\\ \\u0001 name\",\"toxicity\":1,\"half\":0.5,\"rate\":64,"
                        + "\"on\":false,\"none\":null,\"list\":[1,\"x\"]}",
                text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text);
        assertEquals(value.get("name"), back.get("name"));
        assertEquals(new BigDecimal("0.5"), back.get("half"));
    }
}
