package dev.socketkit.relay;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A fault as the Toxiproxy API writes it, a "toxic", both ways: {@code {"attributes": {...}, "name": ..., "type": ...,
 * "stream": "upstream"|"downstream", "toxicity": 0..1}}, with Toxiproxy's defaults (downstream, toxicity 1, name
 * {@code TYPE_STREAM}) and its units: durations in milliseconds, except slicer's {@code delay} in microseconds; {@code
 * bandwidth}'s {@code rate} in KB/s (1,000 bytes, as Toxiproxy counts them); sizes in bytes. An attribute left out
 * keeps socketkit's default, which is Toxiproxy's zero for all but slicer's {@code average_size} (1,024 bytes: zero
 * slices nothing).
 */
final class ToxicJson {
    private static final String DOWNSTREAM = "downstream";

    /** Past this a duration in microseconds or a rate in bytes could overflow; every range ends far below it. */
    private static final long LARGEST = 1_000_000_000_000_000L;

    private ToxicJson() {}

    /**
     * The fault a {@code POST /proxies/{proxy}/toxics} body asks for, checked in Toxiproxy's order: the body, the
     * stream, the type, the name (taken: 409), then the attributes.
     *
     * @param body the request's object
     * @param taken whether a fault of a name is already there
     * @throws ApiError for what Toxiproxy refuses, and for a value socketkit's fault does not take
     */
    static Fault create(Map<String, Object> body, Predicate<String> taken) {
        String stream = string(body, "stream", DOWNSTREAM).toLowerCase(Locale.ROOT);
        String type = string(body, "type", "");
        Fault fault;
        try {
            fault = Fault.of(Fault.Type.of(type));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidToxicType();
        }
        fault = switch (stream) {
            case "upstream" -> fault.withDirection(Direction.UPSTREAM);
            case DOWNSTREAM -> fault.withDirection(Direction.DOWNSTREAM);
            case "both" -> fault.withBothDirections();
            default -> throw ApiError.invalidStream();
        };
        String name = string(body, "name", "");
        if (!name.isEmpty()) {
            Fault unnamed = fault;
            fault = checked(() -> unnamed.withName(name));
        }
        if (taken.test(fault.name())) {
            throw ApiError.toxicExists();
        }
        fault = apply(fault, body);
        Object connections = body.get("connections");
        if (connections != null) {
            Fault selected = fault;
            fault = checked(() -> selected.withConnections(connections.toString()));
        }
        return fault;
    }

    /**
     * The fault a {@code POST|PATCH /proxies/{proxy}/toxics/{toxic}} body makes of {@code existing}: as Toxiproxy, only
     * the attributes given and the toxicity change; the rest of the body is not read.
     */
    static Fault update(Fault existing, Map<String, Object> body) {
        return apply(existing, body);
    }

    private static Fault apply(Fault start, Map<String, Object> body) {
        Fault fault = start;
        Object toxicity = body.get("toxicity");
        if (toxicity != null) {
            if (!(toxicity instanceof BigDecimal number)) {
                throw ApiError.badBody("toxicity must be a number from 0 to 1");
            }
            Fault before = fault;
            fault = checked(() -> before.withToxicity(number.doubleValue()));
        }
        Object attributes = body.get("attributes");
        if (attributes != null && !(attributes instanceof Map)) {
            throw ApiError.badBody("attributes must be an object");
        }
        if (attributes != null) {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) attributes).entrySet()) {
                String name = entry.getKey().toString();
                if (entry.getValue() == null) {
                    continue; // Go's decoder leaves a field given as null as it was.
                }
                FaultAttribute attribute = attribute(fault, name);
                Object value = fromApi(fault.type(), attribute, name, entry.getValue());
                Fault before = fault;
                fault = checked(() -> before.with(name, value));
            }
        }
        return checked(fault::checkConsistent);
    }

    private static FaultAttribute attribute(Fault fault, String name) {
        try {
            return fault.type().attribute(name);
        } catch (IllegalArgumentException e) {
            throw new ApiError(
                    400,
                    "bad request body: " + fault.type().id() + " has no attribute '" + name + "'; accepted: "
                            + String.join(", ", names(fault.type())));
        }
    }

    private static Set<String> names(Fault.Type type) {
        return type.attributes().stream()
                .map(FaultAttribute::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** An attribute's value in Toxiproxy's unit, as the fault holds it. */
    private static Object fromApi(Fault.Type type, FaultAttribute attribute, String name, Object json) {
        if (!(json instanceof BigDecimal number)) {
            throw ApiError.badBody(type.id() + " " + name + " must be a number");
        }
        if (attribute.unit() == FaultAttribute.Unit.FRACTION) {
            return number.doubleValue();
        }
        long whole;
        try {
            whole = number.longValueExact();
        } catch (ArithmeticException e) {
            throw ApiError.badBody(type.id() + " " + name + "=" + number + " is not a whole number");
        }
        if (Math.abs(whole) > LARGEST) {
            throw ApiError.badBody(type.id() + " " + name + "=" + number + " is out of range");
        }
        return switch (attribute.unit()) {
            case DURATION -> micros(type, name) ? Duration.of(whole, ChronoUnit.MICROS) : Duration.ofMillis(whole);
            case RATE -> whole * 1000;
            default -> whole;
        };
    }

    private static boolean micros(Fault.Type type, String name) {
        return type == Fault.Type.SLICER && name.equals("delay");
    }

    /** {@return the toxic's JSON object, in Toxiproxy's order and units} */
    static Map<String, Object> toApi(Fault fault) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (FaultAttribute attribute : fault.type().attributes()) {
            Object value = fault.attributes().get(attribute.name());
            attributes.put(
                    attribute.name(),
                    switch (attribute.unit()) {
                        case DURATION ->
                            micros(fault.type(), attribute.name())
                                    ? ((Duration) value).toNanos() / 1000
                                    : ((Duration) value).toMillis();
                        case RATE -> kilobytes((Long) value);
                        default -> value;
                    });
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("attributes", attributes);
        json.put("name", fault.name());
        json.put("type", fault.type().id());
        json.put("stream", stream(fault));
        json.put("toxicity", fault.toxicity());
        if (!fault.connections().equals("1-")) {
            json.put("connections", fault.connections());
        }
        return json;
    }

    /** A rate in KB/s, never 0 for a rate that is not (0 is no limit). */
    private static long kilobytes(long bytesPerSecond) {
        return bytesPerSecond == 0 ? 0 : Math.max(1, (bytesPerSecond + 500) / 1000);
    }

    private static String stream(Fault fault) {
        return fault.directions().size() == 2
                ? "both"
                : fault.directions().iterator().next().name().toLowerCase(Locale.ROOT);
    }

    /** {@return a string field of a body, {@code absent} when it is left out or null} */
    static String string(Map<String, Object> body, String field, String absent) {
        Object value = body.get(field);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof String text)) {
            throw ApiError.badBody(field + " must be a string");
        }
        return text;
    }

    /** A fault made by socketkit's own checks, whose one-line refusal becomes Toxiproxy's 400. */
    private static Fault checked(Supplier<Fault> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw ApiError.badBody(e.getMessage());
        }
    }
}
