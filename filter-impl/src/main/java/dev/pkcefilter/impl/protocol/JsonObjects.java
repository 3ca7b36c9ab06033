package dev.pkcefilter.impl.protocol;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

import jakarta.json.bind.Jsonb;

/** Reads JSON objects with JSON-B into maps, so that members the servers name differently can be read leniently. */
final class JsonObjects {

    private JsonObjects() {
    }

    /** @return the body as a JSON object, or empty when it is not one */
    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> parse(Jsonb jsonb, String body) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((Map<String, Object>) jsonb.fromJson(trimmed, Map.class));
        } catch (RuntimeException e) { // JsonbException, or a provider's own parse exception
            return Optional.empty();
        }
    }

    /** @return a non-blank string member */
    static Optional<String> string(Map<String, Object> json, String name) {
        return json.get(name) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    /**
     * A numeric member, written as a JSON number or as a string of digits (some servers quote it).
     *
     * @throws NumberFormatException when present but not a number
     */
    static Optional<BigDecimal> number(Map<String, Object> json, String name) {
        Object value = json.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof BigDecimal d) {
            return Optional.of(d);
        }
        if (value instanceof Number n) {
            return Optional.of(new BigDecimal(n.toString()));
        }
        if (value instanceof String s) {
            return Optional.of(new BigDecimal(s.strip()));
        }
        throw new NumberFormatException(name + " is not a number");
    }
}
