package dev.pkcefilter.impl.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads claims of a verified claim set by a dotted path such as {@code realm_access.roles}. */
final class Claims {

    private Claims() {
    }

    /** @return the value at the path, or {@code null} */
    static Object at(Map<String, Object> claims, String path) {
        Object value = claims;
        for (String name : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(name);
        }
        return value;
    }

    /** @return the string at the path, or {@code null} when there is none */
    static String string(Map<String, Object> claims, String path) {
        return at(claims, path) instanceof String text ? text : null;
    }

    /**
     * @return the strings at the path: a JSON array's strings (others left out), or a string's space-separated
     *         words (as {@code scope} lists them, RFC 6749 §3.3); none when the path leads nowhere
     */
    static List<String> strings(Map<String, Object> claims, String path) {
        Object value = at(claims, path);
        List<String> found = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String text) {
                    found.add(text);
                }
            }
        } else if (value instanceof String text) {
            for (String word : text.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    found.add(word);
                }
            }
        }
        return found;
    }
}
