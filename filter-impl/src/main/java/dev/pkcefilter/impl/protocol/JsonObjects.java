package dev.pkcefilter.impl.protocol;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

import jakarta.json.bind.Jsonb;

/**
 * Reads JSON objects with JSON-B into maps, so that members the servers name differently can be read leniently.
 *
 * <p>Every JSON pkce-filter reads comes from a remote party (token and error responses, discovery documents, ID
 * token payloads) and is bounded twice before use: a linear scan refuses nesting deeper than {@value #MAX_DEPTH}
 * levels (JSON-B providers recurse per level and overflow the stack at a few hundred) and number literals longer
 * than {@value #MAX_NUMBER_LENGTH} characters (a megabyte of digits costs a provider seconds of CPU to turn into a
 * {@code BigDecimal}), before JSON-B sees the body; a {@link StackOverflowError} from the provider is caught all
 * the same. Numbers are handed out only when their digits and exponent are bounded (see {@link #number}), so that
 * no caller formats or converts a value such as {@code 1e999999999} (RFC 8259 §9 lets a parser set such limits).
 */
public final class JsonObjects {

    /** The deepest nesting read; real OAuth and OpenID Connect messages nest three or four levels. */
    static final int MAX_DEPTH = 32;

    /** The longest number literal, or string read as a number, in characters. */
    static final int MAX_NUMBER_LENGTH = 64;

    /** The largest scale, positive or negative, of a number handed out ({@code 1E+300} still is one). */
    static final int MAX_SCALE = 1000;

    private JsonObjects() {
    }

    /** A numeric member beyond the bounds of {@link #number}; the message names the member, not its value. */
    static final class NumberOutOfBounds extends NumberFormatException {
        private static final long serialVersionUID = 1L;

        NumberOutOfBounds(String name) {
            super(name + " beyond the numbers pkce-filter reads (" + MAX_NUMBER_LENGTH + " digits, exponent within ±"
                    + MAX_SCALE + ")");
        }

        NumberOutOfBounds(String name, int length) {
            super(name + " as a string longer than " + length + " characters");
        }
    }

    /**
     * Reads a body that must be a JSON object.
     *
     * @param what names the body in the message, such as {@code the token response}
     * @return the object's members
     * @throws InvalidResponseException when the body is not a JSON object, or passes a bound
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Jsonb jsonb, String body, String what) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            throw new InvalidResponseException(what + " is not a JSON object");
        }
        Optional<String> excess = excess(trimmed);
        if (excess.isPresent()) {
            throw new InvalidResponseException(what + " " + excess.get());
        }
        Object parsed;
        try {
            parsed = jsonb.fromJson(trimmed, Map.class);
        } catch (RuntimeException e) { // JsonbException, or a provider's own parse exception
            throw new InvalidResponseException(what + " is not a JSON object");
        } catch (StackOverflowError e) { // the provider recursed too deep for this thread: refuse, do not fail it
            throw new InvalidResponseException(what + " is nested too deeply to read");
        }
        if (parsed == null) {
            throw new InvalidResponseException(what + " is not a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    /** @return the body as a JSON object, or empty when it is not one or passes a bound */
    public static Optional<Map<String, Object>> parse(Jsonb jsonb, String body) {
        try {
            return Optional.of(read(jsonb, body, "the body"));
        } catch (InvalidResponseException e) {
            return Optional.empty();
        }
    }

    /**
     * One pass over the text, skipping string contents (escapes included): how deep it nests and how long its
     * number literals are. Malformed JSON passes here and is refused by JSON-B.
     *
     * @return what passes a bound, or empty
     */
    static Optional<String> excess(String json) {
        int depth = 0;
        int numberLength = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++; // the escaped character, a quote or backslash included, is content
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                if (++numberLength > MAX_NUMBER_LENGTH) {
                    return Optional.of("has a number longer than " + MAX_NUMBER_LENGTH + " characters");
                }
                continue;
            }
            numberLength = 0;
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    return Optional.of("is nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return Optional.empty();
    }

    /** @return a non-blank string member */
    static Optional<String> string(Map<String, Object> json, String name) {
        return json.get(name) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    /**
     * A numeric member, written as a JSON number or as a string of digits (some servers quote it). It is handed out
     * only with at most {@value #MAX_NUMBER_LENGTH} digits and a scale within ±{@value #MAX_SCALE}, so that its
     * plain form is short and its arithmetic cheap.
     *
     * @throws NumberOutOfBounds when present but beyond those bounds
     * @throws NumberFormatException when present but not a number
     */
    static Optional<BigDecimal> number(Map<String, Object> json, String name) {
        Object value = json.get(name);
        if (value == null) {
            return Optional.empty();
        }
        BigDecimal number;
        if (value instanceof BigDecimal d) {
            number = d;
        } else if (value instanceof java.math.BigInteger b && b.bitLength() > 4 * MAX_NUMBER_LENGTH) {
            throw new NumberOutOfBounds(name); // before toString(), which is quadratic in the digits
        } else if (value instanceof Number n) {
            number = new BigDecimal(n.toString());
        } else if (value instanceof String s) {
            String text = s.strip();
            if (text.length() > MAX_NUMBER_LENGTH) { // before parsing: a long digit string costs quadratic time
                throw new NumberOutOfBounds(name, MAX_NUMBER_LENGTH);
            }
            number = new BigDecimal(text);
        } else {
            throw new NumberFormatException(name + " is not a number");
        }
        // bitLength first: it is cheap whatever the size, and it bounds what precision() costs
        if (number.unscaledValue().bitLength() > 4 * MAX_NUMBER_LENGTH || number.precision() > MAX_NUMBER_LENGTH
                || Math.abs((long) number.scale()) > MAX_SCALE) {
            throw new NumberOutOfBounds(name);
        }
        return Optional.of(number);
    }
}
