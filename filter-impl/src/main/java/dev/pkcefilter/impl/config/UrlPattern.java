package dev.pkcefilter.impl.config;

import java.util.List;

/**
 * Servlet URL patterns (Jakarta Servlet 6.0 §12.2): exact {@code /a/b}, prefix {@code /a/*}, extension
 * {@code *.ext}, default {@code /} and {@code /*}. Matched against the path inside the context, without query.
 */
public final class UrlPattern {

    private UrlPattern() {
    }

    /** @return whether {@code pattern} is one of the servlet URL pattern forms */
    public static boolean isValid(String pattern) {
        if (pattern.startsWith("*.")) {
            return pattern.length() > 2 && pattern.indexOf('/') < 0 && pattern.indexOf('*', 1) < 0;
        }
        if (!pattern.startsWith("/")) {
            return false;
        }
        int star = pattern.indexOf('*');
        return star < 0 || (star == pattern.length() - 1 && pattern.endsWith("/*"));
    }

    /** @return whether any of {@code patterns} matches {@code path} */
    public static boolean matchesAny(List<String> patterns, String path) {
        for (int i = 0; i < patterns.size(); i++) {
            if (matches(patterns.get(i), path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param pattern a valid pattern
     * @param path the path inside the context, starting with {@code /}
     * @return whether the pattern matches the path
     */
    public static boolean matches(String pattern, String path) {
        if (pattern.equals("/") || pattern.equals("/*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            // the extension of the last segment only: "*.jsp" matches /a/b.jsp, not /a.jsp/b
            int extension = pattern.length() - 1;
            return path.regionMatches(path.length() - extension, pattern, 1, extension)
                    && path.lastIndexOf('/') < path.length() - extension;
        }
        if (pattern.endsWith("/*")) {
            int prefix = pattern.length() - 2;
            return path.regionMatches(0, pattern, 0, prefix)
                    && (path.length() == prefix || path.charAt(prefix) == '/');
        }
        return path.equals(pattern);
    }
}
