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
        return matchesAny(patterns, path, "");
    }

    /**
     * Whether any pattern matches the path {@code servletPath + pathInfo}, read in place: a request's path is
     * matched on every request, and building it would allocate a string each time.
     *
     * @param servletPath the request's servlet path
     * @param pathInfo the request's path info, or {@code null}
     * @return whether any of {@code patterns} matches
     */
    public static boolean matchesAny(List<String> patterns, String servletPath, String pathInfo) {
        String tail = pathInfo == null ? "" : pathInfo;
        for (int i = 0; i < patterns.size(); i++) {
            if (matches(patterns.get(i), servletPath, tail)) {
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
        return matches(pattern, path, "");
    }

    /** Whether the pattern matches the path {@code head + tail}. */
    private static boolean matches(String pattern, String head, String tail) {
        if (pattern.equals("/") || pattern.equals("/*")) {
            return true;
        }
        int length = head.length() + tail.length();
        if (pattern.startsWith("*.")) {
            // the extension of the last segment only: "*.jsp" matches /a/b.jsp, not /a.jsp/b
            int extension = pattern.length() - 1;
            return regionMatches(head, tail, length - extension, pattern, 1, extension)
                    && lastSlash(head, tail) < length - extension;
        }
        if (pattern.endsWith("/*")) {
            int prefix = pattern.length() - 2;
            return regionMatches(head, tail, 0, pattern, 0, prefix)
                    && (length == prefix || charAt(head, tail, prefix) == '/');
        }
        return length == pattern.length() && regionMatches(head, tail, 0, pattern, 0, length);
    }

    private static boolean regionMatches(String head, String tail, int offset, String other, int otherOffset,
                                         int count) {
        if (offset < 0 || offset + count > head.length() + tail.length()) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (charAt(head, tail, offset + i) != other.charAt(otherOffset + i)) {
                return false;
            }
        }
        return true;
    }

    private static char charAt(String head, String tail, int index) {
        return index < head.length() ? head.charAt(index) : tail.charAt(index - head.length());
    }

    private static int lastSlash(String head, String tail) {
        int inTail = tail.lastIndexOf('/');
        return inTail >= 0 ? head.length() + inTail : head.lastIndexOf('/');
    }
}
